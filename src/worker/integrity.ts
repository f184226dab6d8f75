import { sha256Hex } from '../catalog/sha256.js';
import { CatalogError, VitrineError } from '../shared/errors.js';

/**
 * The shop's pin (`catalogSha256`): the SHA-256 of the whole file as served, so that the header
 * (which says how the body is read) is covered as well as the body. The header's own
 * `bodySha256` only proves the file is intact, not that it is the one the shop published.
 */
export function validatePin(pin: unknown): string | undefined {
  if (pin === undefined) return undefined;
  if (typeof pin !== 'string' || !/^[0-9a-fA-F]{64}$/.test(pin)) {
    throw new VitrineError('OPTIONS_INVALID', 'Invalid option: catalogSha256 must be 64 hexadecimal digits (the SHA-256 of the catalog file).');
  }
  return pin.toLowerCase();
}

/** Throws CATALOG_INTEGRITY when `bytes` do not hash to `pin` (no-op without a pin). */
export async function checkPin(bytes: Uint8Array, pin: string | undefined, url: string): Promise<void> {
  if (pin === undefined) return;
  const actual = await sha256Hex(bytes);
  if (actual !== pin) {
    throw new CatalogError('CATALOG_INTEGRITY', `The catalog ${url} hashes to ${actual}, but the shop pinned ${pin}; it was not loaded.`);
  }
}

/** Default for `catalogStallTimeoutMs`: no byte for 30 s and the download is aborted and retried. */
export const DEFAULT_STALL_TIMEOUT_MS = 30_000;
