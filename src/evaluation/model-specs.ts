// Models by name for the evaluator and the CLI: `name[:key=value…]` → a RecommenderModel.
import { VitrineError } from '../shared/errors.js';
import { ItemKnnModel, PopularityModel, TransitionKnnModel } from './baselines.js';
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

