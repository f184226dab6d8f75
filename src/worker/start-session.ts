import { rowReader } from '../catalog/embedding-rows.js';
import { itemTable } from '../catalog/catalog-table.js';
import { Engine } from '../engine/engine.js';
import { resolveProfileOptions } from '../model/pooling-encoder.js';
import type { EngineOptions } from '../shared/api-types.js';
import { VitrineError } from '../shared/errors.js';
import { openTabsChannel, type TabsMessage } from '../shared/tabs-channel.js';
import { indexedDbCalibrationCache } from '../storage/calibration-cache.js';
import type { CachedCatalogBytes } from '../storage/catalog-cache.js';
import { openMemoryHistory } from '../storage/history-store.js';
import { readCachedCatalog, type LoadedCatalog } from './catalog-loader.js';
import { adoptFull, afterCachedStart, restoreItemUpdates } from './catalog-updates.js';
import { initialConsent, notStoringReason } from './consent.js';
import { loadEncoder } from './encoder-loader.js';
import type { EventLog } from './event-log.js';
import { validatePin } from './integrity.js';
import { ItemFeed } from './item-feed.js';
import { LiveItems } from './live-items.js';
import { downloadOrThrow, historyLimits, openStoredHistory, retryPolicy, type Progress, type Session } from './session.js';
import { validateEngineOptions } from './validate-options.js';

/**
 * Start-up: the catalog (cached copy or download), the compute path, the shopper's history, the
 * shop's encoder; IndexedDB is read while the catalog loads. `onTabsMessage` hears the other tabs.
 */
export async function startSession(
  rawOptions: EngineOptions,
  progress: Progress,
  prefetched: CachedCatalogBytes | null | undefined,
  log: EventLog,
  onTabsMessage: (s: Session, message: TabsMessage) => void,
): Promise<Session> {
  const options = validateEngineOptions(rawOptions);
  const pin = validatePin(options.catalogSha256);
  // Without consent (or under GPC) not even a database is opened: nothing touches the disk.
  const consent = initialConsent(options);
  const opening = consent === 'granted' ? openStoredHistory(options) : Promise.resolve(openMemoryHistory(historyLimits(options), notStoringReason(consent)));
  const reading = opening.then((h) => h.readAll()).catch(() => undefined);
  // The device's last calibration for this catalog shape is reused (kept only with consent).
  const calibrations = consent === 'granted' && (options.backend ?? 'auto') === 'auto' ? indexedDbCalibrationCache() : undefined;
  let current: LoadedCatalog;
  /** The rest of a head-first file, while its head serves. */
  let rest: Promise<LoadedCatalog> | undefined;
  try {
    const cached = await readCachedCatalog(options.catalog, progress, pin, prefetched);
    if (cached) current = cached;
    else {
      // A head-first file's head serves as soon as it is in, unless something needs every item
      // from the start: a pin (it covers the whole file), an encoder or an item updates file.
      const headFirst = pin === undefined && options.encoder === undefined && options.itemUpdates === undefined;
      let headIn: ((head: LoadedCatalog) => void) | undefined;
      const head = new Promise<LoadedCatalog>((resolve) => (headIn = resolve));
      const full = downloadOrThrow(options.catalog, progress, retryPolicy(options), pin, consent === 'granted', headFirst ? headIn : undefined);
      current = await Promise.race([full, head]);
      if (current.part === 'head') rest = full;
    }
  } catch (error) {
    void opening.then((h) => h.close());
    throw error;
  }
  progress({ status: 'calibrate' });
  const engine = await Engine.start(current.catalog, options.backend ?? 'auto', calibrations);
  const s: Session = {
    options,
    profile: resolveProfileOptions(options.profile),
    current,
    table: itemTable(current.catalog),
    rows: rowReader(current.catalog),
    engine,
    history: await opening,
    events: [],
    channel: openTabsChannel(options.namespace),
    consent,
    live: new LiveItems(),
  };
  await restoreItemUpdates(s);
  if (options.encoder !== undefined) {
    try {
      await engine.prepareTfjs();
      s.encoder = await loadEncoder(options.encoder, current.catalog);
    } catch (error) {
      // Without the tfjs file (a deploy that dropped it) the encoder cannot run: the pooled
      // history ranks instead and info().parts.tfjs says why. A bad encoder file still rejects.
      if (!(error instanceof VitrineError && error.code === 'PART_UNAVAILABLE')) throw error;
    }
  }
  if (options.itemUpdates) {
    const feed = new ItemFeed(options.itemUpdates);
    s.itemFeed = feed;
    await feed.start(() => s);
  }
  const early = await reading;
  if (early) s.events = early.sort((a, b) => a.seq - b.seq);
  else await log.reload(s);
  if (s.channel) s.channel.onmessage = (message: MessageEvent<TabsMessage>) => onTabsMessage(s, message.data);
  // Another tab may have written while the catalog loaded, before we listened: catch up.
  if (early) void log.catchUp(s).catch(() => undefined);
  progress({ status: 'ready', backend: engine.backend, items: current.catalog.header.itemCount, source: current.source, part: current.part ?? 'full' });
  if (current.source === 'cache') void afterCachedStart(s, current, progress);
  if (rest) {
    s.pendingFull = adoptFull(s, rest, progress).finally(() => delete s.pendingFull);
  }
  return s;
}
