import type { Session } from './session.js';

/**
 * Test hooks, in the worker only when it is served from source (vite's dev server: the browser
 * tests and benchmarks); the library build leaves them out (import.meta.env.DEV is false there).
 */
export function debugHooks(session: () => Session) {
  return {
    /**
     * Ends the worker as a crash would. `'close'` stops it at once (events tracked and not yet
     * written are lost, no answer goes out); `'throw'` raises an uncaught error in the next task
     * (the worker's `error` event; writes already started may still finish).
     */
    async debugCrash(mode: 'close' | 'throw'): Promise<void> {
      if (mode === 'close') self.close();
      else
        setTimeout(() => {
          throw new Error('debugCrash: simulated worker crash');
        }, 0);
    },
    /** Live tensors and bytes on the backend. */
    async debugStats(): Promise<{ numTensors: number; numBytes: number; backend: string }> {
      const s = session();
      return { ...(await s.engine.tensorMemory()), backend: s.engine.backend };
    },
    /** Destroys the GPU device under the engine, as a driver reset would. */
    async debugLoseDevice(): Promise<boolean> {
      return session().engine.loseDevice();
    },
  };
}

export type DebugHooks = ReturnType<typeof debugHooks>;
