import type { NewEvent, StoredEvent } from '../shared/events.js';
import type { TabsMessage } from '../shared/tabs-channel.js';
import type { Session } from './session.js';

interface Pending {
  event: NewEvent;
  resolve: (stored: StoredEvent) => void;
  reject: (error: unknown) => void;
}

/**
 * The shopper's events between track() and the store: a queue written in batches (events
 * arriving together share one IndexedDB transaction, ≈1 ms each otherwise), and the history as
 * rankings see it meanwhile (eventsNow). Writes go to whichever store the session holds now.
 */
export class EventLog {
  readonly #session: () => Session;
  #pending: Pending[] = [];
  /** Events tracked and not stored yet (queued or being written): what reads see meanwhile. */
  #unsaved: NewEvent[] = [];
  #flushScheduled = false;
  /** Every write started so far, settled (writes never reject: their events' promises do). */
  #writing: Promise<void> = Promise.resolve();

  constructor(session: () => Session) {
    this.#session = session;
  }

  /** Queues a validated event; resolves once it is stored, rejects if storing fails. */
  append(event: NewEvent): Promise<StoredEvent> {
    return new Promise<StoredEvent>((resolve, reject) => {
      this.#pending.push({ event, resolve, reject });
      this.#unsaved.push(event);
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        queueMicrotask(() => void this.#flush());
      }
    });
  }

  /**
   * The history as recommendations see it: the stored events plus those tracked and still being
   * written, so results reflect an event at once (the IndexedDB commit, ≈ 2–4 ms here, is not
   * waited for). An event whose write fails drops out again (its track() rejects).
   */
  eventsNow(s: Session): StoredEvent[] {
    if (this.#unsaved.length === 0) return s.events;
    const last = s.events.at(-1)?.seq ?? 0;
    return [...s.events, ...this.#unsaved.map((e, i) => ({ ...e, seq: last + 1 + i }))];
  }

  /** Writes the events already tracked (and waits for earlier writes) to the store in use now. */
  async flushPending(): Promise<void> {
    if (this.#pending.length > 0) void this.#flush();
    await this.#writing;
  }

  async reload(s: Session): Promise<void> {
    s.events = (await s.history.readAll()).sort((a, b) => a.seq - b.seq);
  }

  /** Adds what another tab stored after our newest event. */
  async catchUp(s: Session): Promise<void> {
    const last = s.events.at(-1)?.seq ?? 0;
    const later = await s.history.readAfter(last);
    const known = new Set(s.events.map((e) => e.seq));
    s.events.push(...later.filter((e) => !known.has(e.seq)));
    s.events.sort((a, b) => a.seq - b.seq);
    this.#trim(s);
  }

  #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return this.#writing;
    const write = this.#write(batch);
    this.#writing = Promise.all([this.#writing, write]).then(() => undefined);
    return write;
  }

  async #write(batch: Pending[]): Promise<void> {
    const s = this.#session();
    try {
      const evictions = s.history.quotaEvictions;
      const stored = await s.history.append(batch.map((p) => p.event));
      // A full quota made the store evict its oldest events: re-read rather than keep them in memory.
      if (s.history.quotaEvictions !== evictions) await this.reload(s);
      else s.events.push(...stored);
      this.#settled(batch);
      this.#trim(s);
      s.channel?.postMessage({ kind: 'events' } satisfies TabsMessage);
      stored.forEach((e, i) => batch[i]!.resolve(e));
    } catch (error) {
      this.#settled(batch);
      batch.forEach((p) => p.reject(error));
    }
  }

  /** The batch's events are stored (in s.events, same tick) or failed: no longer unsaved. */
  #settled(batch: Pending[]): void {
    const done = new Set(batch.map((p) => p.event));
    this.#unsaved = this.#unsaved.filter((e) => !done.has(e));
  }

  #trim(s: Session): void {
    const maxEvents = s.options.history?.maxEvents ?? 5_000;
    if (s.events.length > maxEvents) s.events.splice(0, s.events.length - maxEvents);
  }
}
