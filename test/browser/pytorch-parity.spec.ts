import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodeCatalog } from '../../src/catalog/codec.js';
import { createSasrecEncoder } from '../../src/model/sasrec/encoder.js';
import { decodeEncoder } from '../../src/model/sasrec/format.js';
import { openHarness } from './helpers.js';

// One encoder format, two trainers (train/python/README.md): a model trained by PyTorch with two
// DDP processes on CPU runs unchanged in the browser worker, and a model trained by the Node
// trainer runs unchanged in PyTorch — same scores within 1e-4, same top 10.
const root = resolve(import.meta.dirname, '../..');
const python = process.env.VITRINE_PYTHON ?? '/usr/bin/python3';
const data = process.env.VITRINE_DATA ?? resolve(root, '../shared/data');
const out = join(root, 'public/catalogs/pytorch');
const hasTorch = spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

test.skip(
  !hasTorch,
  `PyTorch is not installed for ${python} (Debian: apt-get install -y python3-torch; npm test installs it as root through scripts/ensure-torch.mjs): the PyTorch parity test is skipped.`,
);
test.beforeEach(async ({ page }) => openHarness(page));

interface PythonResult {
  u: number[];
  top: Array<{ itemId: string; score: number }>;
  scores: Record<string, number>;
}

/** PyTorch's forward pass (train/python/encode.py) for `histories`: u, the top 11 and the scores of `ids`. */
function pytorchScores(catalog: string, histories: string[][], ids: string[], extra: string[] = []): PythonResult[] {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'histories.json'), JSON.stringify(histories));
  writeFileSync(join(out, 'ids.json'), JSON.stringify(ids));
  const stdout = execFileSync(
    python,
    ['train/python/encode.py', '--catalog', catalog, '--histories', join(out, 'histories.json'), '--ids', join(out, 'ids.json'), ...extra],
    { cwd: root, encoding: 'utf8' },
  );
  return (JSON.parse(stdout) as { results: PythonResult[] }).results;
}

/** Histories of different lengths (one longer than maxLen) from the catalog's items. */
async function historiesFor(catalogPath: string): Promise<{ histories: string[][]; ids: string[] }> {
  const catalog = await decodeCatalog(new Uint8Array(readFileSync(catalogPath)));
  const id = (row: number): string => catalog.items[row % catalog.items.length]!.id;
  const histories = [[3, 40, 41, 7, 120].map(id), Array.from({ length: 25 }, (_, i) => id(11 + 17 * i)), [id(5)]];
  // 40 items spread over the catalog, scored by rerank() (u·v + b, no graphs).
  const ids = catalog.items
    .filter((_, row) => row % 37 === 5)
    .slice(0, 40)
    .map((item) => item.id);
  return { histories, ids };
}

/** The shopper vector of Node's tfjs encoder (cpu backend) for the same histories. */
async function nodeVectors(catalogPath: string, histories: string[][]): Promise<Float32Array[]> {
  const catalog = await decodeCatalog(new Uint8Array(readFileSync(catalogPath)));
  const encoder = createSasrecEncoder(new Uint8Array(readFileSync(`${catalogPath}.encoder`)), catalog.vectors, catalog.header);
  const row = new Map(catalog.items.map((item, r) => [item.id, r]));
  const vectors = await Promise.all(histories.map((h) => encoder.encode(h.map((id) => row.get(id)!).slice(-encoder.config.maxLen))));
  encoder.dispose();
  return vectors;
}

/** The worker's rerank() scores of `ids` and recommend() top 10 after viewing each history in turn. */
async function browserScores(page: Page, catalog: string, histories: string[][], ids: string[]) {
  return page.evaluate(
    async ({ catalog, histories, ids }) => {
      const results = [];
      for (const [n, history] of histories.entries()) {
        const rec = await window.harness.createRecommender({ catalog, encoder: `${catalog}.encoder`, namespace: `pytorch-parity-${n}`, backend: 'wasm' });
        for (const itemId of history) await rec.track({ type: 'view', itemId });
        const reranked = await rec.rerank(ids);
        const recs = await rec.recommend({ k: 10 });
        await rec.eraseHistory();
        await rec.dispose();
        results.push({ scores: Object.fromEntries(reranked.map((r) => [r.itemId, r.score!])), top: recs.map((r) => r.itemId) });
      }
      return results;
    },
    { catalog, histories, ids },
  );
}

/** Same scores within 1e-4 and the same top 10 (up to exact near-ties in float32). */
function expectParity(browser: Array<{ scores: Record<string, number>; top: string[] }>, torch: PythonResult[], ids: string[]): void {
  expect(browser).toHaveLength(torch.length);
  browser.forEach((b, i) => {
    const t = torch[i]!;
    for (const id of ids) expect(Math.abs(b.scores[id]! - t.scores[id]!), `history ${i}, item ${id}`).toBeLessThan(1e-4);
    const expected = t.top.slice(0, 10).map((r) => r.itemId);
    const gap = t.top[9]!.score - t.top[10]!.score;
    if (gap > 2e-4) expect(b.top, `history ${i}`).toEqual(expected);
    else expect(new Set(b.top.slice(0, 9)), `history ${i} (a near-tie at rank 10)`).toEqual(new Set(expected.slice(0, 9)));
  });
}

test('a PyTorch encoder trained with two DDP processes runs in the browser with the same scores and top 10', async ({ page }) => {
  test.setTimeout(180_000);
  const catalog = join(out, 'ddp.vcat');
  // A few steps on the Scientific log (no dropout: the runs below must be deterministic).
  const train = (processes: number, extra: string[]): void => {
    execFileSync(
      python,
      [
        'train/python/train.py',
        '--log',
        `${data}/amazon-scientific-unisrec/Scientific.test.inter`,
        '--format',
        'unisrec',
        '--dim',
        '16',
        '--max-len',
        '8',
        '--blocks',
        '2',
        '--heads',
        '2',
        '--negatives',
        '64',
        '--batch-size',
        '64',
        '--dropout',
        '0',
        '--encoder-epochs',
        '1',
        '--steps-per-epoch',
        '6',
        '--validation-users',
        '200',
        '--processes',
        String(processes),
        '--threads',
        '1',
        '--quiet',
        ...extra,
      ],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
    );
  };
  // Two processes, spawn + gloo on CPU, exported and built into a catalog with the CLI.
  train(2, ['--log-json', join(out, 'ddp.log.json'), '--out', catalog]);
  const log = JSON.parse(readFileSync(join(out, 'ddp.log.json'), 'utf8')) as { processes: number; epochs: Array<{ steps: number }> };
  expect(log.processes).toBe(2);
  expect(log.epochs[0]!.steps).toBe(6);
  // One process takes the same steps (the global batch is split between ranks, not multiplied).
  train(1, ['--no-catalog', '--out', join(out, 'single.vcat')]);
  const single = decodeEncoder(readFileSync(join(out, 'single.vcat.encoder'))).tensors;
  for (const [name, t] of decodeEncoder(readFileSync(`${catalog}.encoder`)).tensors) {
    t.data.forEach((x, i) => expect(Math.abs(x - single.get(name)!.data[i]!), name).toBeLessThan(1e-4));
  }
  expect(
    JSON.parse(
      readFileSync(`${catalog}.encoder`)
        .subarray(12, 12 + readFileSync(`${catalog}.encoder`).readUInt32LE(8))
        .toString(),
    ),
  ).toMatchObject({ trainer: 'pytorch', config: { blocks: 2, heads: 2, maxLen: 8 } });

  const { histories, ids } = await historiesFor(catalog);
  const torch = pytorchScores(catalog, histories, ids);
  // The forward pass itself: Node's tfjs encoder gives PyTorch's u.
  (await nodeVectors(catalog, histories)).forEach((u, i) => u.forEach((x, j) => expect(Math.abs(x - torch[i]!.u[j]!)).toBeLessThan(1e-4)));
  const idsWithTop = [...new Set([...ids, ...torch.flatMap((t) => t.top.slice(0, 10).map((r) => r.itemId))])];
  const torchAll = pytorchScores(catalog, histories, idsWithTop);
  expectParity(await browserScores(page, '/catalogs/pytorch/ddp.vcat', histories, idsWithTop), torchAll, idsWithTop);
});

test('a Node-trained encoder read by PyTorch gives the browser scores and top 10, and is written back byte for byte', async ({ page }) => {
  // scientific-encoder.vcat: trained by `vitrine train --encoder sasrec` in global set-up.
  const nodeCatalog = join(root, 'public/catalogs/scientific-encoder.vcat');
  const stem = join(out, 'from-node');
  const { histories, ids } = await historiesFor(nodeCatalog);
  const torch = pytorchScores(nodeCatalog, histories, ids, ['--export', stem]);
  (await nodeVectors(nodeCatalog, histories)).forEach((u, i) => u.forEach((x, j) => expect(Math.abs(x - torch[i]!.u[j]!)).toBeLessThan(1e-4)));
  // One format, two writers: the Python writer reproduces the Node trainer's file exactly.
  expect(Buffer.compare(readFileSync(`${stem}.vcat.encoder`), readFileSync(`${nodeCatalog}.encoder`))).toBe(0);
  // rerank() on the Node catalog is u·v + b: PyTorch's scores.
  const browserOnNode = await browserScores(page, '/catalogs/scientific-encoder.vcat', histories, ids);
  browserOnNode.forEach((b, i) => ids.forEach((id) => expect(Math.abs(b.scores[id]! - torch[i]!.scores[id]!)).toBeLessThan(1e-4)));
  // That catalog's recommend() adds its bought-together / bought-next graphs; rebuilt from the
  // exported .npy + ids + bias (no graphs), recommend() is u·v + b: PyTorch's top 10.
  execFileSync(
    process.execPath,
    [
      'bin/vitrine.js',
      'build-catalog',
      '--embeddings',
      `${stem}.embeddings.npy`,
      '--ids',
      `${stem}.ids.txt`,
      '--metadata',
      `${stem}.items.tsv`,
      '--out',
      `${stem}.vcat`,
    ],
    { cwd: root, stdio: 'ignore' },
  );
  const idsWithTop = [...new Set([...ids, ...torch.flatMap((t) => t.top.slice(0, 10).map((r) => r.itemId))])];
  const torchAll = pytorchScores(`${stem}.vcat`, histories, idsWithTop);
  expectParity(await browserScores(page, '/catalogs/pytorch/from-node.vcat', histories, idsWithTop), torchAll, idsWithTop);
});
