import type { EngineOptions } from '../shared/api-types.js';
import type { ConsentInfo } from '../shared/info-types.js';

/**
 * Consent and the Global Privacy Control signal decide whether the history is written to the
 * device. Contract:
 * - `consent: 'required'`: `pending` until `grantConsent()`; nothing is written (no database is
 *   created) and events live in worker memory for this page only. Events from before consent are
 *   never written, not even when consent comes later.
 * - `respectGlobalPrivacyControl: true` and `navigator.globalPrivacyControl === true`: `gpc`,
 *   treated exactly like `pending`. An explicit `grantConsent()` (the shopper opting in on this
 *   site) overrides it, as the GPC proposal allows.
 * - `revokeConsent()`: `revoked`; the stored history (and its key, and the catalog cache) is
 *   erased, as `eraseHistory()` does, and storing stops.
 * Vitrine does not remember the decision itself: the shop's consent manager does, and calls
 * `grantConsent()` on each page load once the shopper has agreed.
 */
export type ConsentState = ConsentInfo['state'];

/** The browser's GPC signal (Chromium does not ship it: undefined there). */
export function globalPrivacyControl(): boolean | undefined {
  const value = (globalThis.navigator as { globalPrivacyControl?: unknown } | undefined)?.globalPrivacyControl;
  return typeof value === 'boolean' ? value : undefined;
}

export function initialConsent(options: EngineOptions): ConsentState {
  if (options.consent === 'required') return 'pending';
  if (options.respectGlobalPrivacyControl === true && globalPrivacyControl() === true) return 'gpc';
  return 'granted';
}

export function consentInfo(options: EngineOptions, state: ConsentState): ConsentInfo {
  return {
    mode: options.consent ?? 'granted',
    state,
    storing: state === 'granted',
    globalPrivacyControl: globalPrivacyControl(),
    respectGlobalPrivacyControl: options.respectGlobalPrivacyControl === true,
  };
}

/** Why the history is in memory only, for `info().history.reason`. */
export function notStoringReason(state: ConsentState): string {
  if (state === 'gpc') return 'The Global Privacy Control signal is on: history is kept in memory for this page only, until grantConsent().';
  if (state === 'revoked') return 'Consent was revoked: the stored history was erased and nothing is stored.';
  return 'Waiting for consent: history is kept in memory for this page only, until grantConsent().';
}
