import { tfjsPartStatus } from '../engine/tfjs-part-loader.js';
import { buyItAgainInfo } from '../ranking/buy-again.js';
import type { EngineInfo } from '../shared/info-types.js';
import { consentInfo } from './consent.js';
import { minRepeatRate, type Session } from './session.js';

/** Backend in use and why, catalog, history, consent and the lazily loaded files, as plain data. */
export function describeSession(s: Session): EngineInfo {
  const chosen = s.engine.reports.find((r) => r.backend === s.engine.backend);
  const { header } = s.current.catalog;
  const info: EngineInfo = {
    backend: s.engine.backend,
    reason: chosen?.reason ?? '',
    backends: s.engine.reports.map((r) => ({ ...r })),
    catalog: {
      url: s.current.url,
      items: header.itemCount,
      dim: header.dim,
      dtype: header.dtype,
      formatVersion: header.formatVersion,
      modelId: header.modelId,
      sha256: header.bodySha256,
      source: s.current.source,
      serving: s.current.part ?? 'full',
    },
    history: { persistent: s.history.persistent, events: s.events.length, encrypted: s.history.encrypted === true },
    buyItAgain: buyItAgainInfo(s.current.catalog.extras.repeatRate, minRepeatRate(s)),
    consent: consentInfo(s.options, s.consent),
    parts: { tfjs: tfjsPartStatus() },
  };
  if (s.itemFeed) {
    const { url, lastAppliedAt, lastError } = s.itemFeed;
    info.itemUpdates = { url, ...(lastAppliedAt ? { lastAppliedAt } : {}), ...(lastError ? { lastError } : {}) };
  }
  if (s.engine.fallbackReason) info.fallback = s.engine.fallbackReason;
  if (s.lastCatalogError) info.catalog.lastError = s.lastCatalogError;
  if (s.history.reason) info.history.reason = s.history.reason;
  return info;
}
