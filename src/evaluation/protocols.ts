import { seededRandom } from '../shared/random.js';
import { COVERAGE_DEPTH, MetricAccumulator, targetRank, topItems } from './metrics.js';
import type { EvaluationCase } from '../training/split.js';

/** Anything that can be fitted on sequences of item rows and then score every item for a history. */
export interface RecommenderModel {
  name: string;
  fit(train: number[][], itemCount: number): void;
  /** Writes a score for every item row into `out` (length itemCount); higher is better. */
  score(history: number[], out: Float32Array): void;
}

export const PROTOCOLS = ['loo-full', 'loo-s99'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];

export const PROTOCOL_DESCRIPTIONS: Record<ProtocolName, string> = {
  'loo-full': "leave-one-out, full ranking over all items, the user's earlier items masked",
  'loo-s99': 'leave-one-out, target ranked against 99 negatives sampled uniformly from items the user never interacted with',
};

const SAMPLED_NEGATIVES = 99;

/** Scores every case under a protocol. `seed` fixes the sampled negatives, identical for every model. */
export function runProtocol(
  protocol: ProtocolName,
  model: RecommenderModel,
  cases: EvaluationCase[],
  itemCount: number,
  seed: number,
  selfInformation?: Float64Array,
): MetricAccumulator {
  const metrics = new MetricAccumulator(itemCount, selfInformation);
  const scores = new Float32Array(itemCount);
  const random = seededRandom(seed);
  for (const c of cases) {
    model.score(c.history, scores);
    if (protocol === 'loo-full') {
      // Items the user already had are not recommendations: mask them (also a repeated target).
      for (const item of c.history) scores[item] = -Infinity;
      metrics.add(targetRank(scores, c.target), topItems(scores, COVERAGE_DEPTH));
    } else {
      const candidates = [c.target, ...sampleNegatives(random, itemCount, c.sequence, SAMPLED_NEGATIVES)];
      metrics.add(targetRank(scores, c.target, candidates), topItems(scores, COVERAGE_DEPTH, candidates));
    }
  }
  return metrics;
}

/** `count` distinct items, uniformly at random among those not in `interacted` (fewer if the catalog is small). */
export function sampleNegatives(random: () => number, itemCount: number, interacted: readonly number[], count: number): number[] {
  const excluded = new Set(interacted);
  const available = itemCount - excluded.size;
  if (available <= count) return Array.from({ length: itemCount }, (_, i) => i).filter((i) => !excluded.has(i));
  const chosen: number[] = [];
  while (chosen.length < count) {
    const item = Math.floor(random() * itemCount);
    if (excluded.has(item)) continue;
    excluded.add(item);
    chosen.push(item);
  }
  return chosen;
}
