import type { TabsMessage } from '../shared/tabs-channel.js';
import { clearCalibrationCache } from '../storage/calibration-cache.js';
import { clearCatalogCache } from '../storage/catalog-cache.js';
import { eraseHistoryDatabases, openMemoryHistory } from '../storage/history-store.js';
import { storeItemUpdates } from './catalog-updates.js';
import { notStoringReason } from './consent.js';
import type { EventLog } from './event-log.js';
import { historyLimits, openStoredHistory, type Session } from './session.js';

/**
 * The one erase sequence (eraseHistory, revokeConsent): the history store, earlier visits'
 * databases this page never opened (consent pending), the catalog cache and the device's
 * calibration. The catalog in memory keeps serving.
 */
async function eraseStored(s: Session): Promise<void> {
  await s.history.erase();
  await eraseHistoryDatabases(s.options.namespace);
  await clearCatalogCache();
  await clearCalibrationCache();
  s.events = [];
}

/**
 * The shopper agreed: from now on events are written to the device (the database is created
 * now). Events tracked before are not written. Overrides a Global Privacy Control pause.
 */
export async function grantConsent(s: Session, log: EventLog): Promise<void> {
  if (s.consent === 'granted') return;
  await log.flushPending();
  s.history.close();
  s.history = await openStoredHistory(s.options);
  s.consent = 'granted';
  // The catalog downloaded before consent was kept in memory only: cache it now.
  await s.current.storeLater?.();
  delete s.current.storeLater;
  await storeItemUpdates(s);
  await log.reload(s);
}

/**
 * The shopper withdrew consent: storing stops and what was stored is erased, as a shopper
 * withdrawing consent expects. `erase: false` is for the page's restart of a crashed worker, or
 * another tab's revocation, where it was erased already.
 */
export async function revokeConsent(s: Session, log: EventLog, erase: boolean): Promise<void> {
  await log.flushPending();
  if (erase) {
    await eraseStored(s);
    s.channel?.postMessage({ kind: 'revoked' } satisfies TabsMessage);
  }
  s.history.close();
  s.consent = 'revoked';
  s.history = openMemoryHistory(historyLimits(s.options), notStoringReason('revoked'));
  s.events = [];
}

/** Deletes everything stored on the device; events tracked before the erase are erased too, not written after it. */
export async function eraseHistory(s: Session, log: EventLog): Promise<void> {
  await log.flushPending();
  await eraseStored(s);
  s.channel?.postMessage({ kind: 'erased' } satisfies TabsMessage);
}
