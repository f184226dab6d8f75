/**
 * The built library's files, beside dist/index.js. Each is self-contained (imports nothing), so a
 * bundler that follows these URLs (vite, webpack 5) rebuilds or copies them as it likes, and one
 * that does not (esbuild, rollup without a plugin) needs dist/ copied next to its output or the
 * `assetsBase` option. The page resolves the part's URL for the worker, because a bundler that
 * renames files renames them here, where it sees the reference.
 */
export const startDefaultWorker = (): Worker => new Worker(new URL('./vitrine-worker.js', import.meta.url), { type: 'module', name: 'vitrine' });

export const defaultTfjsPartUrl = (): string | undefined => new URL('./vitrine-tfjs.js', import.meta.url).href;
