// The layering rule of src/ (docs/design.md), checked by `npm test` (npm run check:layers).
// Rooms, lowest first; a room imports only rooms below it (type-only imports included):
//   shared → catalog, history → model, storage → engine → ranking → worker, training → evaluation, page → cli
// plus: no cycles between files.
const ORDER = ['shared', 'catalog|history', 'model|storage', 'engine', 'ranking', 'worker|training', 'evaluation|page', 'cli'];
const level = (room) => ORDER.findIndex((group) => group.split('|').includes(room));
const ROOMS = ORDER.flatMap((group) => group.split('|'));

/** For each room: a rule forbidding imports of rooms at its level or above (other than itself). */
const upward = ROOMS.map((room) => {
  const forbidden = ROOMS.filter((other) => other !== room && level(other) >= level(room));
  return {
    name: `no-upward-from-${room}`,
    comment: `${room} may import only rooms below it: ${ROOMS.filter((other) => level(other) < level(room)).join(', ') || 'none of ours'}`,
    severity: 'error',
    from: { path: `^src/${room}/` },
    to: { path: `^src/(${forbidden.join('|')})/` },
  };
});

module.exports = {
  forbidden: [{ name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } }, ...upward],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    // Sources import each other as '.js' (ESM), meaning the '.ts' file.
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
