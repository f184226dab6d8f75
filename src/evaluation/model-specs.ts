// Models by name for the evaluator and the CLI: `name[:key=value…]` → a RecommenderModel.
import type { Catalog } from '../catalog/types.js';
import { createSasrecEncoder } from '../model/sasrec/encoder.js';
import type { GraphBlend } from '../ranking/graph-affinity.js';
import { VitrineError } from '../shared/errors.js';
import { ItemKnnModel, PopularityModel, TransitionKnnModel } from './baselines.js';
import { CatalogModel, type OnDeviceSettings } from './catalog-model.js';
import { createEncoderModel } from './encoder-models.js';
import type { RecommenderModel } from './protocols.js';

const invalid = (message: string): VitrineError => new VitrineError('OPTIONS_INVALID', message);

export const MODEL_NAMES = ['popularity', 'item-knn', 'item-knn-recency', 'transition-knn'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * Default hyper-parameters, chosen by NDCG@10 on the amazon-beauty validation split (never on
 * test). More neighbours than these changed NDCG@10 by at most 0.0001.
 */
export const MODEL_DEFAULTS: Record<ModelName, Record<string, number>> = {
  popularity: {},
  'item-knn': { neighbours: 500 },
  'item-knn-recency': { neighbours: 500, decay: 0.6 },
  'transition-knn': { neighbours: 500, decay: 0.9, alpha: 0.95 },
};

/**
 * Builds a model from `name[:key=value…]`, e.g. `item-knn-recency:neighbours=200:decay=0.7`.
 * Keys: neighbours (item-KNN models), decay (recency models), alpha (transition-knn).
 */
export function createModel(spec: string): RecommenderModel {
  const [name = '', ...pairs] = spec.trim().split(':');
  if (name === 'sasrec' || name === 'sasrec-blend') return createEncoderModel(spec);
  if (!isModelName(name)) throw invalid(`unknown model "${name}"; choose from ${MODEL_NAMES.join(', ')}`);
  const params = { ...MODEL_DEFAULTS[name] };
  for (const pair of pairs) {
    const [key = '', value = ''] = pair.split('=');
    const n = Number(value);
    if (!Object.hasOwn(params, key)) throw invalid(`model ${name} has no parameter "${key}"`);
    if (value === '' || !Number.isFinite(n)) throw invalid(`${name}: ${key} must be a number, got "${value}"`);
    params[key] = n;
  }
  const { neighbours = 1, decay = 1, alpha = 0 } = params;
  if (!Number.isInteger(neighbours) || neighbours < 1) throw invalid(`${name}: neighbours must be a positive integer`);
  if (!(decay > 0 && decay <= 1)) throw invalid(`${name}: decay must be in (0, 1]`);
  if (!(alpha >= 0 && alpha <= 1)) throw invalid(`${name}: alpha must be in [0, 1]`);
  switch (name) {
    case 'popularity':
      return new PopularityModel();
    case 'item-knn':
      return new ItemKnnModel({ neighbours, decay: 1 });
    case 'item-knn-recency':
      return new ItemKnnModel({ neighbours, decay });
    case 'transition-knn':
      return new TransitionKnnModel({ neighbours, decay, alpha });
  }
}

const isModelName = (name: string): name is ModelName => (MODEL_NAMES as readonly string[]).includes(name);

/**
 * With no graph weight, the model scores what recommend() ships for that catalog (the default
 * graph blend of src/ranking/for-you.ts, the encoder's blend with `encoder=`); with any of
 * copurchase / transition / previous / cooccurrence, exactly those (the rest 0: `copurchase=0:transition=0` is
 * the embeddings alone).
 * `catalog[:encoder=PATH][:copurchase=1][:transition=1][:previous=1][:cooccurrence=1][:graphs=fit][:diversity=0.3][:debias=0.5][:feedback=1]`
 * → a CatalogModel. `label` names the catalog file in the results. `encoder=PATH` scores with
 * the shop's SASRec encoder (read with `readFile`, bound to the catalog as the worker binds it);
 * `graphs=fit` rebuilds the graphs from the fit sequences (`graphs=catalog`, the default, reads the catalog's);
 * with it, `shrink=λ` sets their support shrinkage (default SUPPORT_SHRINKAGE, what `vitrine train` writes).
 */
export function createCatalogModel(
  spec: string,
  catalog: Catalog,
  catalogRowOf: Int32Array,
  label: string,
  readFile?: (path: string) => Uint8Array,
): CatalogModel {
  const [name, ...pairs] = spec.trim().split(':');
  if (name !== 'catalog') throw new VitrineError('OPTIONS_INVALID', `not a catalog model spec: "${spec}"`);
  const settings: Partial<OnDeviceSettings> = {};
  // Any graph weight given: the others not given are 0. None given: recommend()'s default blend.
  let graphs: GraphBlend | undefined;
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    if (key === 'encoder') {
      if (value === '') throw new VitrineError('OPTIONS_INVALID', 'catalog: encoder needs a file, e.g. encoder=shop.vcat.encoder');
      if (!readFile) throw new VitrineError('OPTIONS_INVALID', 'catalog: encoder=… reads a file and runs in Node only');
      settings.encoder = createSasrecEncoder(readFile(value), catalog.vectors, catalog.header);
      settings.encoderFile = value;
      continue;
    }
    if (key === 'graphs') {
      if (value !== 'fit' && value !== 'catalog') throw new VitrineError('OPTIONS_INVALID', `catalog: graphs must be fit or catalog, got "${value}"`);
      settings.refitGraphs = value === 'fit';
      continue;
    }
    if (key === 'shrink') {
      const lambda = Number(value);
      if (value === '' || !Number.isFinite(lambda) || lambda < 0)
        throw new VitrineError('OPTIONS_INVALID', `catalog: shrink must be a number ≥ 0, got "${value}"`);
      settings.shrinkage = lambda;
      continue;
    }
    const n = Number(value);
    const graphKey = key === 'copurchase' || key === 'transition' || key === 'previous' || key === 'cooccurrence';
    const max = graphKey ? 1000 : 1;
    if (!graphKey && !['diversity', 'debias', 'feedback'].includes(key)) {
      throw new VitrineError(
        'OPTIONS_INVALID',
        `catalog has no parameter "${key}"; choose encoder, copurchase, transition, previous, cooccurrence, graphs, shrink, diversity, debias or feedback`,
      );
    }
    if (value === '' || !Number.isFinite(n) || n < 0 || n > max)
      throw new VitrineError('OPTIONS_INVALID', `catalog: ${key} must be a number in [0, ${max}], got "${value}"`);
    if (key === 'diversity') settings.diversity = n;
    else if (key === 'debias') settings.popularityDebias = n;
    else if (key === 'feedback') settings.feedback = n > 0;
    else (graphs ??= { copurchase: 0, transition: 0 })[key as keyof GraphBlend] = n;
  }
  if (graphs) settings.graphs = graphs;
  return new CatalogModel(catalog, catalogRowOf, settings, label);
}
