import * as tf from '@tensorflow/tfjs';
import { encodeHistories, type SasrecConfig, type SasrecTensors } from '../../model/sasrec/forward.js';

/** HR@10 / NDCG@10 of the validation item under full ranking, the user's earlier items masked, ties against the target. */
export async function validate(
  w: SasrecTensors,
  config: SasrecConfig,
  cases: ReadonlyArray<{ history: number[]; target: number }>,
  chunk = 512,
): Promise<{ 'HR@10': number; 'NDCG@10': number }> {
  let hits = 0;
  let ndcg = 0;
  const itemsT = tf.transpose(w.items);
  try {
    for (let start = 0; start < cases.length; start += chunk) {
      const part = cases.slice(start, start + chunk);
      const u = await encodeHistories(
        w,
        config,
        part.map((c) => c.history),
      );
      const scoresT = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(u, [part.length, config.dim]), itemsT), w['bias']!));
      const scores = (await scoresT.data()) as Float32Array;
      scoresT.dispose();
      part.forEach((c, i) => {
        const row = scores.subarray(i * config.itemCount, (i + 1) * config.itemCount);
        for (const item of c.history) row[item] = -Infinity;
        const target = row[c.target]!;
        let rank = 0;
        for (let j = 0; j < row.length; j++) if (j !== c.target && row[j]! >= target) rank++;
        if (rank < 10) {
          hits++;
          ndcg += 1 / Math.log2(rank + 2);
        }
      });
    }
  } finally {
    itemsT.dispose();
  }
  const n = Math.max(1, cases.length);
  return { 'HR@10': hits / n, 'NDCG@10': ndcg / n };
}
