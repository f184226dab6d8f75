import type * as TfjsPart from './tfjs-part.js';

/**
 * The library build's import of the tfjs part: by the URL the page resolved (a bundler may have
 * renamed or moved the file), else the file's own name beside the worker. The magic comments
 * keep a shop's bundler from trying to bundle a URL only known at run time.
 */
export const importTfjsPart = (url: string | undefined): Promise<typeof TfjsPart> =>
  import(/* @vite-ignore */ /* webpackIgnore: true */ url ?? new URL('vitrine-tfjs.js', self.location.href).href);
