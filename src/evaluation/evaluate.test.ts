import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../cli/commands/evaluate.js';
import { readLog } from '../cli/read-log.js';
import { createModel } from './model-specs.js';
import { evaluateModel } from './evaluate.js';
import { leaveOneOut } from '../training/split.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DATA = process.env.VITRINE_DATA ?? resolve(ROOT, '../shared/data');
const BEAUTY = resolve(DATA, 'amazon-beauty/Beauty.txt');

function beauty() {
  const row = new Map<string, number>();
  const sequences = readLog(BEAUTY, 'sequences').map((items) =>
    items.map((id) => {
      let r = row.get(id);
      if (r === undefined) row.set(id, (r = row.size));
      return r;
    }),
  );
  return { data: leaveOneOut(sequences), itemCount: row.size };
}

describe.skipIf(!existsSync(BEAUTY))('amazon-beauty (real data)', () => {
  const { data, itemCount } = beauty();

  it('has the published shape', () => {
    expect(itemCount).toBe(12101);
    expect(data.test).toHaveLength(22363);
  });

  it('reproduces the published leak-free popularity check (README "Reproduction check")', () => {
    // Popularity from each user's training items only (items[:-2]), full ranking, test item.
    // The README's 0.0115 / 0.0055 break ties by item id; counting ties against the target
    // gives 0.0110 / 0.0053 — inside the 0.001 tolerance.
    const [result] = evaluateModel(createModel('popularity'), data, itemCount, { protocols: ['loo-full'], split: 'test', seed: 1, fitOn: 'train' });
    expect(result!.users).toBe(22363);
    expect(Math.abs(result!.metrics['HR@10']! - 0.0115)).toBeLessThan(0.001);
    expect(Math.abs(result!.metrics['NDCG@10']! - 0.0055)).toBeLessThan(0.001);
  });

  it('matches our own anchor for popularity refitted on train + validation', () => {
    const [result] = evaluateModel(createModel('popularity'), data, itemCount, { protocols: ['loo-full'], split: 'test', seed: 1 });
    expect(result!.metrics['HR@10']).toBeCloseTo(0.013, 3);
    expect(result!.metrics['NDCG@10']).toBeCloseTo(0.0059, 4);
  });

  it('the transition + item-KNN blend clearly beats popularity on validation', () => {
    const [result] = evaluateModel(createModel('transition-knn'), data, itemCount, { protocols: ['loo-full'], split: 'valid', seed: 1 });
    expect(result!.metrics['NDCG@10']).toBeGreaterThan(0.06);
    expect(result!.trainSeconds).toBeLessThan(30);
  });
});

describe('vitrine evaluate (command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-eval-'));
  const log = join(dir, 'toy.txt');
  // 20 users teach "a is followed by b"; 10 users end with a, b, so their test target b follows
  // the last history item a. The 20 teachers end on items nobody else has: unpredictable.
  const teachers = Array.from({ length: 20 }, (_, u) => `t${u} a b c z${u} w${u}`);
  const learners = Array.from({ length: 10 }, (_, u) => `l${u} v${u} y${u} a b`);
  writeFileSync(log, [...teachers, ...learners].join('\n'));

  it('writes JSON records and a Markdown table that state the protocol and the tie policy', async () => {
    const json = join(dir, 'out/results.json');
    const markdown = join(dir, 'out/results.md');
    const plot = join(dir, 'out/results.svg');
    const report = await evaluate({
      log,
      format: 'sequences',
      models: 'popularity, transition-knn',
      protocol: 'both',
      split: 'test',
      seed: 5,
      json,
      markdown,
      plot,
    });
    // The chart: one bar per model, metric and protocol, labelled with its value.
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(8);
    expect(svg).toContain('loo-s99');
    expect(report).toContain('ties counted against the target');
    expect(report).toMatch(/\| loo-full \| popularity \|/);
    expect(readFileSync(markdown, 'utf8')).toBe(report);
    const records = JSON.parse(readFileSync(json, 'utf8'));
    expect(records).toHaveLength(4);
    expect(records[0]).toMatchObject({
      dataset: basename(dir),
      protocol: 'loo-full',
      model: 'popularity',
      split: 'test',
      fitOn: 'train+validation',
      users: 30,
      ties: 'ties counted against the target',
    });
    expect(Object.keys(records[0].metrics)).toEqual(['HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20', 'MRR', 'Coverage@10', 'Novelty@10']);
    expect(records[0].command).toBe(`vitrine evaluate --log ${log} --format sequences --models popularity --protocol loo-full --split test --seed 5`);
    expect(typeof records[0].trainSeconds).toBe('number');
    const [popularity, , blend] = records;
    expect(blend.model).toMatch(/^transition-knn/);
    expect(blend.protocol).toBe('loo-full');
    // The blend ranks b first for the 10 learners; popularity ties b with c (20 each) → rank 2.
    expect(blend.metrics['HR@5']).toBeCloseTo(1 / 3, 10);
    expect(blend.metrics.MRR).toBeGreaterThan(popularity.metrics.MRR);
    expect(svg).toContain(`<title>HR@10 ${blend.metrics['HR@10'].toFixed(4)}</title>`);
  });

  it('rejects unknown models before reading the log, and validation fitted on its own targets', async () => {
    await expect(
      evaluate({ log: join(dir, 'missing.txt'), format: 'sequences', models: 'bogus', protocol: 'loo-full', split: 'test', seed: 1 }),
    ).rejects.toThrow(/unknown model/);
    await expect(
      evaluate({ log, format: 'sequences', models: 'popularity', protocol: 'loo-full', split: 'valid', seed: 1, fitOn: 'train+validation' }),
    ).rejects.toThrow(/train only/);
  });
});
