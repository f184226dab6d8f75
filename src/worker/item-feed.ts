import { VitrineError } from '../shared/errors.js';
import { applyItemUpdates } from './catalog-updates.js';
import type { Session } from './session.js';

export const DEFAULT_ITEM_UPDATES_REFRESH_SECONDS = 300;

/**
 * The shop's item updates file (EngineOptions.itemUpdates): fetched now and every refresh,
 * revalidated with If-None-Match, each version applied as updateItems() applies a call (all or
 * nothing, masks at once, no embedding work). A failure keeps the last applied state and is
 * reported, never thrown: the rails go on serving.
 */
export class ItemFeed {
  readonly url: string;
  readonly #refreshMs: number;
  #etag: string | undefined;
  /** The catalog the last applied version was applied to: a new catalog drops live updates, so it is fetched afresh. */
  #appliedTo: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  lastAppliedAt: string | undefined;
  lastError: { code: string; message: string } | undefined;

  constructor(options: { url: string; refreshSeconds?: number }) {
    this.url = options.url;
    this.#refreshMs = (options.refreshSeconds ?? DEFAULT_ITEM_UPDATES_REFRESH_SECONDS) * 1000;
  }

  /** The first fetch (awaited, so the first rails respect it), then one every refresh. */
  async start(session: () => Session | undefined): Promise<void> {
    const tick = async (): Promise<void> => {
      const s = session();
      if (this.#stopped || !s) return;
      await this.refresh(s);
      if (!this.#stopped) this.#timer = setTimeout(() => void tick(), this.#refreshMs);
    };
    await tick();
  }

  async refresh(s: Session): Promise<void> {
    const catalog = s.current.catalog.header.bodySha256;
    const revalidate = this.#etag !== undefined && this.#appliedTo === catalog;
    try {
      const response = await fetch(this.url, { cache: 'no-cache', headers: revalidate ? { 'If-None-Match': this.#etag! } : {} });
      if (response.status === 304 && revalidate) return;
      if (!response.ok)
        throw new VitrineError(
          'ITEM_UPDATES_FETCH_FAILED',
          `The item updates file ${this.url} answered HTTP ${response.status}; the last applied state holds.`,
        );
      let updates: unknown;
      try {
        updates = await response.json();
      } catch (cause) {
        throw new VitrineError('ITEM_UPDATES_FETCH_FAILED', `The item updates file ${this.url} is not JSON; the last applied state holds.`, { cause });
      }
      await applyItemUpdates(s, updates, true);
      this.#etag = response.headers.get('ETag') ?? undefined;
      this.#appliedTo = catalog;
      this.lastAppliedAt = new Date().toISOString();
      this.lastError = undefined;
    } catch (error) {
      this.lastError =
        error instanceof VitrineError
          ? { code: error.code, message: error.message }
          : {
              code: 'ITEM_UPDATES_FETCH_FAILED',
              message: `The item updates file ${this.url} could not be downloaded (${error instanceof Error ? error.message : String(error)}); the last applied state holds.`,
            };
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
