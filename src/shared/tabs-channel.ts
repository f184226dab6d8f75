/**
 * The BroadcastChannel that keeps a shop's tabs in step (one per history namespace): workers
 * announce new events, erasure and revoked consent; pages listen for revocation too.
 */
export type TabsMessage = { kind: 'events' } | { kind: 'erased' } | { kind: 'revoked' };

export function openTabsChannel(namespace: string): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(`vitrine:${namespace}`);
}

/** The history namespace when the shop names none. */
export const DEFAULT_NAMESPACE = 'default';
