import type { PartStatus } from '../shared/info-types.js';
import { EngineError } from '../shared/errors.js';
import { importTfjsPart } from './import-tfjs-part.js';
import type * as TfjsPart from './tfjs-part.js';

export type TfjsPartModule = typeof TfjsPart;

let url: string | undefined;
let loading: Promise<TfjsPartModule> | undefined;
let state: PartStatus = { status: 'idle' };

/** The URL the page resolved for the part (a shop's bundler may have renamed it). Before first use. */
export function setTfjsPartUrl(partUrl: string | undefined): void {
  url = partUrl;
  if (url !== undefined) state = { ...state, url };
}

/** As `info().parts.tfjs` reports it. */
export const tfjsPartStatus = (): PartStatus => ({ ...state });

/**
 * Loads the tfjs part once. A part that cannot be fetched (a bundler did not copy it, a 404, a CSP)
 * rejects with `EngineError('PART_UNAVAILABLE')` — never the browser's raw TypeError — and is not
 * retried this session: callers fall back to the SIMD kernel, which needs no tfjs.
 */
export function loadTfjsPart(): Promise<TfjsPartModule> {
  loading ??= importTfjsPart(url).then(
    (part) => {
      state = { ...state, status: 'loaded' };
      return part;
    },
    (cause: unknown) => {
      const why = cause instanceof Error ? cause.message : String(cause);
      const message = `The TensorFlow.js part of Vitrine could not be loaded${url ? ` from ${url}` : ''} (${why}): its backends and a sequence encoder cannot run; the SIMD kernel and the pooled history serve. Serve dist/vitrine-tfjs.js beside the worker, or set the assetsBase option (README: Install and bundlers).`;
      state = { ...state, status: 'failed', error: { code: 'PART_UNAVAILABLE', message } };
      throw new EngineError('PART_UNAVAILABLE', message, { cause });
    },
  );
  return loading;
}
