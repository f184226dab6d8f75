import type { WorkerRemote } from './connect.js';

let next = 0;

/**
 * Calls `onEnd` when the worker behind `remote` ends for any reason: `self.close()`, a
 * `terminate()`, its process killed. Nothing tells the page that a worker ended, and a
 * MessagePort `close` event does not fire in Chromium 156 (checked), so the worker holds a Web
 * Lock for its whole life and the page queues a request for the same lock: the browser grants it
 * when the holder's context is gone. Where Web Locks are missing (an insecure context), only
 * the worker's `error` event reports crashes.
 */
export function watchLifeline(remote: WorkerRemote, onEnd: () => void): void {
  const locks = globalThis.navigator?.locks;
  if (!locks) return;
  const name = `vitrine-lifeline:${Date.now().toString(36)}:${Math.random().toString(36).slice(2)}:${next++}`;
  remote.holdLifeline(name).then(
    (held) => {
      if (held) void locks.request(name, () => onEnd());
    },
    // The worker died before it took the lock; its `error` event or the pending call reports it.
    () => undefined,
  );
}
