/** Start-up progress, reported through the `onProgress` option. */
export type ProgressInfo =
  | { status: 'download'; url: string }
  | { status: 'progress'; url: string; loaded: number; total?: number }
  | { status: 'cached'; url: string }
  | { status: 'verify'; url: string }
  | { status: 'calibrate' }
  /**
   * `part`: `head` when only the head of a head-first catalog is in (its most popular items); a
   * second `ready` with `full` follows when the whole catalog has taken over.
   */
  | { status: 'ready'; backend: string; items: number; source: 'network' | 'cache'; part: 'head' | 'full' };
