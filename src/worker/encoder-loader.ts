import type { Catalog } from '../catalog/types.js';
import type { StoredEvent } from '../shared/events.js';
import type { SasrecEncoder } from '../model/sasrec/encoder.js';
import { loadTfjsPart } from '../engine/tfjs-part-loader.js';
import { VitrineError } from '../shared/errors.js';

/** The shop's sequence encoder, bound to the catalog whose item table it reads. */
export interface LoadedEncoder {
  url: string;
  bytes: ArrayBuffer;
  catalog: Catalog;
  encoder: SasrecEncoder;
}

/**
 * Downloads an encoder file (docs/encoder-format.md) and binds it to `catalog`.
 * Throws `VitrineError('ENCODER_INVALID')` when it cannot be fetched, is malformed, or was
 * trained for another catalog (item count or dimension differ).
 */
export async function loadEncoder(url: string, catalog: Catalog): Promise<LoadedEncoder> {
  let bytes: ArrayBuffer;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = await response.arrayBuffer();
  } catch (error) {
    throw new VitrineError('ENCODER_INVALID', `The encoder could not be downloaded from ${url}.`, { cause: error });
  }
  // The encoder lives in the tfjs part: a shop without an encoder never loads it for this.
  const { createSasrecEncoder } = await loadTfjsPart();
  return { url, bytes, catalog, encoder: createSasrecEncoder(bytes, catalog.vectors, catalog.header) };
}

/**
 * The shopper vector from the encoder, or undefined when there is no encoder or it does not
 * fit the catalog now serving (then the pooling encoder is used). A new catalog of the same
 * shape rebinds the encoder to its item table.
 */
export async function encoderShopperVector(
  loaded: LoadedEncoder | undefined,
  catalog: Catalog,
  events: readonly StoredEvent[],
  rowOf: (itemId: string) => number | undefined,
): Promise<Float32Array | undefined> {
  if (!loaded) return undefined;
  const { createSasrecEncoder, historyRows } = await loadTfjsPart();
  if (loaded.catalog !== catalog) {
    const { itemCount, dim } = catalog.header;
    if (itemCount !== loaded.encoder.config.itemCount || dim !== loaded.encoder.config.dim) return undefined;
    loaded.encoder.dispose();
    loaded.encoder = createSasrecEncoder(loaded.bytes, catalog.vectors, catalog.header);
    loaded.catalog = catalog;
  }
  return loaded.encoder.encode(historyRows(events, rowOf, loaded.encoder.config.maxLen));
}
