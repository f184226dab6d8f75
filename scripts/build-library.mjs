// Builds the library as a shop installs it (dist/): three files that never import one another,
// so any bundler — or none — can serve them (README: Install and bundlers):
// - dist/index.js          the page module (comlink; no tfjs);
// - dist/vitrine-worker.js the worker: catalog, history, ranking, the SIMD kernel (idb, comlink, minisearch);
// - dist/vitrine-tfjs.js   the lazy part: TensorFlow.js, its backends (wasm binaries inlined) and the encoder.
// Then the CLI for Node (dist/cli/), bundled with its dependencies. Types are written by tsc after.
import { chmodSync, copyFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build as rolldown } from 'rolldown';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const src = (path) => fileURLToPath(new URL(`../src/${path}`, import.meta.url));

/** One self-contained ES module: every import bundled in, no chunks. */
async function buildFile({ entry, fileName, swap, emptyOutDir = false }) {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    base: './',
    // The source files that differ in the built library (see each `.bundled.ts`).
    resolve: { alias: swap.map(([from, to]) => ({ find: new RegExp(`^\\./${from}\\.js$`), replacement: src(to) })) },
    build: {
      outDir: 'dist',
      emptyOutDir,
      copyPublicDir: false,
      target: 'es2022',
      minify: true,
      // tfjs's wasm binaries (imported with ?url) become data: URLs inside the part itself.
      assetsInlineLimit: () => true,
      lib: { entry: src(entry), formats: ['es'], fileName: () => fileName },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
}

await buildFile({ entry: 'engine/tfjs-part.ts', fileName: 'vitrine-tfjs.js', swap: [], emptyOutDir: true });
await buildFile({ entry: 'worker/worker.ts', fileName: 'vitrine-worker.js', swap: [['import-tfjs-part', 'engine/import-tfjs-part.bundled.ts']] });
// The page module by rolldown alone: vite would follow its `new URL('./vitrine-worker.js',
// import.meta.url)` references, which are for the shop's bundler to see. Not minified (the shop's
// build does that) so those references stay in the plain form every bundler recognises.
await rolldown({
  input: src('index.ts'),
  plugins: [{ name: 'vitrine-library-files', resolveId: (id) => (id === './library-files.js' ? src('page/library-files.bundled.ts') : undefined) }],
  output: { file: 'dist/index.js', format: 'es', minify: false, codeSplitting: false },
  logLevel: 'warn',
});

// The CLI, compiled and bundled with its dependencies (commander, papaparse, tfjs…): a shop that
// only serves the browser library installs none of them, and `vitrine` runs without tsx. Bundled
// CommonJS packages expect require/__dirname, which an ES module lacks: the banner defines them.
await rolldown({
  input: src('cli/main.ts'),
  platform: 'node',
  output: {
    file: 'dist/cli/vitrine.js',
    format: 'es',
    minify: true,
    codeSplitting: false,
    postBanner: [
      '#!/usr/bin/env node',
      "import { createRequire as __createRequire } from 'node:module';",
      "import { dirname as __pathDirname } from 'node:path';",
      "import { fileURLToPath as __fileUrlToPath } from 'node:url';",
      'const require = __createRequire(import.meta.url);',
      'const __filename = __fileUrlToPath(import.meta.url);',
      'const __dirname = __pathDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warn',
});
// The trainer's tfjs wasm binaries, where the bundled CLI looks for them (src/training/sasrec/backend.ts);
// the threaded build is never used (threads are off).
for (const file of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
  copyFileSync(fileURLToPath(new URL(`../node_modules/@tensorflow/tfjs-backend-wasm/dist/${file}`, import.meta.url)), `dist/cli/${file}`);
}
chmodSync('dist/cli/vitrine.js', 0o755);
