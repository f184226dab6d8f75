import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeCatalog } from '../../src/catalog/codec.js';
import type { StoredEvent } from '../../src/shared/events.js';
import { DEFAULT_ENCODER_GRAPH_BLEND, graphAffinity, graphBoosts, type GraphBlend } from '../../src/ranking/graph-affinity.js';
import { poolContributions, resolveProfileOptions } from '../../src/model/pooling-encoder.js';
import { createSasrecEncoder, historyRows } from '../../src/model/sasrec/encoder.js';
import { openHarness, SCIENTIFIC } from './helpers.js';

// The SASRec encoder trained by `vitrine train --encoder sasrec` (scripts/build-catalogs.mjs)
// runs in the worker with the same forward-pass code as in Node: same history, same scores.
const CATALOG = '/catalogs/scientific-encoder.vcat';
const ENCODER = `${CATALOG}.encoder`;
const file = (url: string): Uint8Array => new Uint8Array(readFileSync(resolve(import.meta.dirname, '../../public', `.${url}`)));

test.beforeEach(async ({ page }) => openHarness(page));

/**
 * Node-side scores u·v + b for every row, with the test runner's tfjs (cpu backend), and the
 * top 10 of recommend()'s full score (u·v + b + the catalog's graph terms, at `blends`' weights)
 * for the same events.
 */
async function nodeScores(
  viewed: string[],
  events?: StoredEvent[],
  blends: GraphBlend[] = [],
): Promise<{ scores: Map<string, number>; topIds: string[]; recommended: Array<{ top: string[]; score: Map<string, number> }> }> {
  const catalog = await decodeCatalog(file(CATALOG));
  const encoder = createSasrecEncoder(file(ENCODER), catalog.vectors, catalog.header);
  const rowById = new Map(catalog.items.map((item, row) => [item.id, row]));
  const history = events ?? viewed.map((itemId, i) => ({ type: 'view' as const, itemId, ts: 1_000 + i, seq: i }));
  const u = await encoder.encode(historyRows(history, (id) => rowById.get(id), encoder.config.maxLen));
  encoder.dispose();
  const { dim, itemCount } = catalog.header;
  const scores = new Map<string, number>();
  for (let row = 0; row < itemCount; row++) {
    let s = catalog.bias[row]!;
    for (let j = 0; j < dim; j++) s += u[j]! * catalog.vectors[row * dim + j]!;
    scores.set(catalog.items[row]!.id, s);
  }
  const topIds = [...scores]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10)
    .map(([id]) => id);
  const contributions = poolContributions(history, (id) => rowById.get(id), resolveProfileOptions(), Date.now());
  const recommended = blends.map((blend) => {
    const boost = new Map<number, number>();
    for (const b of graphBoosts(graphAffinity(contributions, catalog.extras, blend)))
      for (const row of b.rows) boost.set(row, (boost.get(row) ?? 0) + b.weight);
    const score = new Map(catalog.items.map((item, row) => [item.id, scores.get(item.id)! + (boost.get(row) ?? 0)]));
    return {
      score,
      top: [...score]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([id]) => id),
    };
  });
  return { scores, topIds, recommended };
}

test('recommend() scores with the encoder equal the Node encoder within 1e-4', async ({ page }) => {
  const catalog = await decodeCatalog(file(CATALOG));
  // Items with interactions (interactions > 0), so the encoder has learnt them.
  const warm = catalog.items.filter((_, row) => (catalog.extras.interactions?.[row] ?? 1) > 0).map((item) => item.id);
  const viewed = [warm[3]!, warm[40]!, warm[41]!, warm[7]!, warm[120]!];
  const expected = await nodeScores(viewed);
  // Node's top 10 and 40 more items spread over the catalog, shuffled by a fixed stride.
  const spread = catalog.items
    .filter((_, row) => row % 37 === 5)
    .slice(0, 40)
    .map((item) => item.id);
  const ids = [...new Set([...spread, ...expected.topIds])].reverse();

  const browser = await page.evaluate(
    async ({ catalog, encoder, viewed, ids }) => {
      const rec = await window.harness.createRecommender({ catalog, encoder, namespace: 'encoder-parity', backend: 'wasm' });
      const plain = await window.harness.createRecommender({ catalog, namespace: 'encoder-parity-plain', backend: 'wasm' });
      for (const itemId of viewed) {
        await rec.track({ type: 'view', itemId });
        await plain.track({ type: 'view', itemId });
      }
      // rerank() scores u·v + b alone; recommend() adds the catalog's graph boosts on top.
      const reranked = await rec.rerank(ids);
      const recs = await rec.recommend({ k: 10 });
      const pooled = await plain.rerank(ids);
      // In-browser latency of recommend() with the encoder (u from the last 20 events) vs pooling.
      const median = async (r: typeof rec): Promise<number> => {
        const times: number[] = [];
        for (let i = 0; i < 15; i++) {
          const t = performance.now();
          await r.recommend({ k: 10 });
          times.push(performance.now() - t);
        }
        return times.sort((a, b) => a - b)[7]!;
      };
      const events = (await rec.exportHistory()).events;
      const latency = { encoder: await median(rec), pooling: await median(plain) };
      await rec.eraseHistory();
      await plain.eraseHistory();
      await rec.dispose();
      await plain.dispose();
      return {
        reranked: reranked.map((r) => ({ itemId: r.itemId, score: r.score })),
        recs: recs.map((r) => r.itemId),
        pooled: pooled.map((r) => r.itemId),
        events,
        latency,
      };
    },
    { catalog: CATALOG, encoder: ENCODER, viewed, ids },
  );
  console.log(`recommend() median ms on wasm: encoder ${browser.latency.encoder.toFixed(2)}, pooling ${browser.latency.pooling.toFixed(2)}`);

  expect(browser.recs).toHaveLength(10);
  expect(browser.reranked).toHaveLength(ids.length);
  for (const { itemId, score } of browser.reranked) expect(Math.abs(score! - expected.scores.get(itemId)!)).toBeLessThan(1e-4);
  // Same scores, same order: Node's top 10 leads the browser's ranking of these ids.
  expect(browser.reranked.slice(0, 10).map((r) => r.itemId)).toEqual(expected.topIds);
  // And it is the encoder that scored, not the pooling vector.
  expect(browser.reranked.map((r) => r.itemId)).not.toEqual(browser.pooled);
  // recommend() adds the graphs at the weights chosen for the encoder's scores (what the
  // evaluator's catalog:encoder model measures), not at the pooling encoder's.
  // (Up to near-ties: the browser scores in float32, and a shopper's recency weights move a
  // little between its call and ours.)
  const [encoderBlend, noGraphs] = (await nodeScores(viewed, browser.events, [DEFAULT_ENCODER_GRAPH_BLEND, { copurchase: 0, transition: 0 }])).recommended;
  const tenth = (b: typeof encoderBlend) => b!.score.get(b!.top[9]!)!;
  const belowTop10 = (b: typeof encoderBlend, ids: string[]) => ids.filter((id) => b!.score.get(id)! < tenth(b) - 1e-3);
  expect(belowTop10(encoderBlend, browser.recs)).toEqual([]);
  // The encoder without the graphs would have recommended other items: this test can tell them
  // apart. (The pooling encoder's weights are no control: they can give this shopper the same
  // top 10 as the encoder's.)
  expect(belowTop10(encoderBlend, noGraphs!.top).length).toBeGreaterThan(0);
});

test('a bad encoder file is refused with ENCODER_INVALID', async ({ page }) => {
  const errors = await page.evaluate(
    async ({ catalog, other }) => {
      const attempt = async (encoder: string): Promise<{ name: string; code?: string }> => {
        try {
          const rec = await window.harness.createRecommender({ catalog, encoder, namespace: 'encoder-bad', backend: 'wasm' });
          await rec.dispose();
          return { name: 'none' };
        } catch (error) {
          return { name: (error as Error).name, code: (error as { code?: string }).code };
        }
      };
      return {
        // A catalog is not an encoder (bad magic).
        notEncoder: await attempt(catalog),
        // An encoder trained for another catalog (other items, dimension 16 vs 32).
        otherCatalog: await (async () => {
          try {
            const rec = await window.harness.createRecommender({ catalog: other, encoder: `${catalog}.encoder`, namespace: 'encoder-bad2', backend: 'wasm' });
            await rec.dispose();
            return { name: 'none' };
          } catch (error) {
            return { name: (error as Error).name, code: (error as { code?: string }).code };
          }
        })(),
        missing: await attempt('/catalogs/no-such.encoder'),
      };
    },
    { catalog: CATALOG, other: SCIENTIFIC },
  );
  expect(errors.notEncoder).toMatchObject({ code: 'ENCODER_INVALID' });
  expect(errors.otherCatalog).toMatchObject({ code: 'ENCODER_INVALID' });
  expect(errors.missing).toMatchObject({ code: 'ENCODER_INVALID' });
});
