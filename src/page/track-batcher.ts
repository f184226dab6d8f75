import type { StoredEvent, TrackEvent } from '../shared/events.js';
import { EventError, fromWireError, VitrineError } from '../shared/errors.js';
import type { WorkerSession } from './worker-session.js';

const notPlainEvent = (): VitrineError => new EventError('EVENT_INVALID', 'Event rejected: it holds a function, symbol or DOM object; nothing was stored.');
const uncloneable = new VitrineError('OPTIONS_INVALID', 'Arguments must be plain data: no functions, symbols or DOM objects.');

/**
 * Events tracked in one task travel in one message: a Comlink call costs ≈20 µs of page time,
 * which made a 10,000-event loop one 200 ms task. Any other call sends the queue first (order).
 */
export function trackBatcher(session: WorkerSession): (event: TrackEvent) => Promise<StoredEvent> {
  let queued: Array<{ event: TrackEvent; resolve: (stored: StoredEvent) => void; reject: (error: unknown) => void }> = [];
  const send = (): void => {
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    session
      .call(
        () => session.remote.trackBatch(batch.map((q) => q.event)),
        () => uncloneable,
      )
      .then(
        (results) => results.forEach((r, i) => ('stored' in r ? batch[i]!.resolve(r.stored) : batch[i]!.reject(fromWireError(r.error)))),
        (error: unknown) => {
          if (error !== uncloneable) return batch.forEach((q) => q.reject(error));
          // One event that cannot be cloned must not sink the others: send them one by one.
          for (const q of batch) session.call(() => session.remote.track(q.event), notPlainEvent).then(q.resolve, q.reject);
        },
      );
  };
  session.beforeCall = send;
  return (event) =>
    new Promise<StoredEvent>((resolve, reject) => {
      if (queued.push({ event, resolve, reject }) === 1) queueMicrotask(send);
    });
}
