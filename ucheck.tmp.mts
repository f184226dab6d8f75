import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { useTrainingBackend } from './src/training/sasrec/backend.ts';
import { trainSasrec } from './src/training/sasrec/train-sasrec.ts';
await useTrainingBackend((process.env.BE ?? 'wasm') as any);
const row = new Map<string, number>();
const seqs = readFileSync('../shared/data/amazon-beauty/Beauty.txt','utf8').trim().split('\n').slice(0, 600).map(l => l.trim().split(/\s+/).slice(1).map(id => { let r = row.get(id); if (r===undefined) row.set(id, r=row.size); return r; }));
for (const neg of [64, 0]) {
const r = await trainSasrec(seqs, row.size, { dim: 8, maxLen: 10, blocks: 1, heads: 1, dropout: 0.2, learningRate: 5e-3, batchSize: 64, negatives: neg, epochs: Number(process.env.EP ?? 1), patience: 9, seed: 7, validationUsers: 50 });
const items = r.tensors.get('items')!.data; const d = 8;
const norms = Array.from({length: items.length / d}, (_, i) => Math.hypot(...Array.from(items.subarray(i*d, i*d+d))));
console.log(tf.getBackend(), 'neg', neg, 'first rows', norms.slice(0, 10).map(x => x.toExponential(1)).join(' '), 'max', Math.max(...norms).toExponential(1));
}
