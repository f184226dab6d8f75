/**
 * Where the worker and the tfjs part come from. In the repository (vite's dev server) they are
 * compiled from source; the library build swaps this file for library-files.bundled.ts, whose
 * literal `new URL('./file.js', import.meta.url)` forms every bundler recognises.
 */
export const startDefaultWorker = (): Worker => new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'vitrine' });

/** Undefined: the source worker imports the part as a module of its own build. */
export const defaultTfjsPartUrl = (): string | undefined => undefined;
