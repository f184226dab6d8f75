import type * as TfjsPart from './tfjs-part.js';

/**
 * Imports the tfjs part. In the repository (vite's dev server, unit tests) it is a module like
 * any other; the library build swaps this file for import-tfjs-part.bundled.ts, which imports
 * the separately built file by URL (see scripts/build-library.mjs).
 */
export const importTfjsPart = (_url: string | undefined): Promise<typeof TfjsPart> => import('./tfjs-part.js');
