import { transferHandlers, type TransferHandler } from 'comlink';
import { fromWireError, toWireError, type WireError } from './errors.js';

/**
 * Comlink only carries `name`, `message` and `stack` of a thrown error. We replace its
 * built-in 'throw' handler (an internal key, see comlink#594; comlink's version is pinned)
 * on both sides so that `code` and the error class survive the worker boundary.
 * A browser test guards this across a real Worker.
 */
export function installErrorTransfer(): void {
  const builtin = transferHandlers.get('throw');
  if (builtin === undefined) return;
  const handler: TransferHandler<{ value: unknown }, WireError> = {
    canHandle: builtin.canHandle as TransferHandler<{ value: unknown }, WireError>['canHandle'],
    serialize: (thrown) => [toWireError(thrown.value), []],
    deserialize: (wire) => {
      throw fromWireError(wire);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
}
