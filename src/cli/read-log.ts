import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';
import { readTable } from './read-table.js';

/** Interaction log formats the CLI reads. */
export const LOG_FORMATS = ['sequences', 'interactions', 'online-retail', 'unisrec'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Each shopper's items in time order (anonymous: the user key is never written anywhere). */
export type Sequences = string[][];

/** A log with what the training statistics need beyond the sequences. */
export interface InteractionLog {
  sequences: Sequences;
  /** Time of each sequence entry (ms), when the log has timestamps. */
  timestamps?: number[][];
  /** Items bought together (one invoice, or one user's same-timestamp lines); empty if unknown. */
  baskets: string[][];
  /** Per item: how many shoppers bought it, and how many of them bought it again later. */
  repeats: Map<string, { buyers: number; repeaters: number }>;
}

export function readLog(path: string, format: LogFormat): Sequences {
  return readInteractionLog(path, format).sequences;
}

/**
 * - `sequences`: `user item item …` per line, items in time order (S3-Rec / SASRec files).
 * - `interactions`: CSV/TSV with header `user,item,timestamp[,event]`.
 * - `unisrec`: RecBole/UniSRec `.inter` files (`user  history…  item`, tab separated, typed header).
 * - `online-retail`: the UCI Online Retail invoice table: non-cancelled lines with a customer,
 *   positive quantity and price; one interaction per customer × product at its first purchase.
 */
export function readInteractionLog(path: string, format: LogFormat): InteractionLog {
  if (format === 'sequences') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
    }
    const sequences = text
      .split('\n')
      .map((line) => line.trim().split(/\s+/).slice(1))
      .filter((items) => items.length > 0 && items[0] !== '');
    return { sequences, baskets: [], repeats: repeatsInSequences(sequences) };
  }
  if (format === 'unisrec') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
    }
    const sequences = text
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [, history = '', target = ''] = line.split('\t');
        return [...history.trim().split(/\s+/), target.trim()].filter((item) => item !== '');
      });
    return { sequences, baskets: [], repeats: repeatsInSequences(sequences) };
  }
  const rows = readTable(path);
  const byUser = new Map<string, Array<{ item: string; ts: number; line: number; basket: string }>>();
  const add = (user: string, item: string, ts: number, line: number, basket: string): void => {
    let list = byUser.get(user);
    if (!list) byUser.set(user, (list = []));
    list.push({ item, ts, line, basket });
  };
  rows.forEach((row, line) => {
    if (format === 'online-retail') {
      const user = row.CustomerID;
      if (!user || row.InvoiceNo?.startsWith('C') || !(Number(row.Quantity) > 0) || !(Number(row.UnitPrice) > 0)) return;
      add(user, row.StockCode!, Date.parse(row.InvoiceDate!.replace(' ', 'T') + 'Z'), line, row.InvoiceNo!);
    } else {
      if (row.user === undefined || row.item === undefined) throw new CliError(`${path}: needs columns user,item[,timestamp]`);
      const ts = row.timestamp === undefined ? line : Number(row.timestamp) || Date.parse(row.timestamp);
      if (!Number.isFinite(ts)) throw new CliError(`${path}, row ${line + 2}: timestamp ${row.timestamp} is not a number or date`);
      add(row.user, row.item, ts, line, `${row.user}@${ts}`);
    }
  });
  const sequences: Sequences = [];
  const timestamps: number[][] = [];
  const baskets = new Map<string, Set<string>>();
  const repeats = new Map<string, { buyers: number; repeaters: number }>();
  for (const list of byUser.values()) {
    // Ties (a basket) keep file order; an item counts once, at its first interaction.
    list.sort((a, b) => a.ts - b.ts || a.line - b.line);
    const firstBasket = new Map<string, string>();
    const repeated = new Set<string>();
    const items: string[] = [];
    const times: number[] = [];
    for (const { item, ts, basket } of list) {
      let members = baskets.get(basket);
      if (!members) baskets.set(basket, (members = new Set()));
      members.add(item);
      const first = firstBasket.get(item);
      if (first === undefined) {
        firstBasket.set(item, basket);
        items.push(item);
        times.push(ts);
      } else if (first !== basket) repeated.add(item);
    }
    for (const item of firstBasket.keys()) {
      const r = repeats.get(item) ?? { buyers: 0, repeaters: 0 };
      r.buyers++;
      if (repeated.has(item)) r.repeaters++;
      repeats.set(item, r);
    }
    sequences.push(items);
    timestamps.push(times);
  }
  return { sequences, timestamps, baskets: [...baskets.values()].map((b) => [...b]), repeats };
}

/**
 * Repeat statistics of logs without baskets or timestamps (`sequences`, `unisrec`): a shopper
 * whose sequence holds an item twice or more bought (or reviewed) it again later.
 */
export function repeatsInSequences(sequences: Sequences): InteractionLog['repeats'] {
  const repeats = new Map<string, { buyers: number; repeaters: number }>();
  for (const sequence of sequences) {
    const counts = new Map<string, number>();
    for (const item of sequence) counts.set(item, (counts.get(item) ?? 0) + 1);
    for (const [item, n] of counts) {
      const r = repeats.get(item) ?? { buyers: 0, repeaters: 0 };
      r.buyers++;
      if (n > 1) r.repeaters++;
      repeats.set(item, r);
    }
  }
  return repeats;
}
