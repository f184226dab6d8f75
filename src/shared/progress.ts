/** Start-up progress, reported through the `onProgress` option. */
export type ProgressInfo =
  | { status: 'download'; url: string }
  | { status: 'progress'; url: string; loaded: number; total?: number }
  | { status: 'cached'; url: string }
  | { status: 'verify'; url: string }
  | { status: 'calibrate' }
  | { status: 'ready'; backend: string; items: number; source: 'network' | 'cache' };
