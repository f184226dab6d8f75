import { readFileSync } from 'node:fs';
import { CliError } from './cli-error.js';
import { readTable } from './read-table.js';

/** Interaction log formats the CLI reads. */
export const LOG_FORMATS = ['sequences', 'interactions', 'online-retail', 'unisrec'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Each shopper's items in time order (anonymous: the user key is never written anywhere). */
export type Sequences = string[][];

/**
 * - `sequences`: `user item item …` per line, items in time order (S3-Rec / SASRec files).
 * - `interactions`: CSV/TSV with header `user,item,timestamp[,event]`.
 * - `unisrec`: RecBole/UniSRec `.inter` files (`user  history…  item`, tab separated, typed header).
 * - `online-retail`: the UCI Online Retail invoice table: non-cancelled lines with a customer,
 *   positive quantity and price; one interaction per customer × product at its first purchase.
 */
export function readLog(path: string, format: LogFormat): Sequences {
  if (format === 'sequences') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
    }
    return text
      .split('\n')
      .map((line) => line.trim().split(/\s+/).slice(1))
      .filter((items) => items.length > 0 && items[0] !== '');
  }
  if (format === 'unisrec') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
    }
    return text
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        const [, history = '', target = ''] = line.split('\t');
        return [...history.trim().split(/\s+/), target.trim()].filter((item) => item !== '');
      });
  }
  const rows = readTable(path);
  const byUser = new Map<string, Array<{ item: string; ts: number; line: number }>>();
  const add = (user: string, item: string, ts: number, line: number): void => {
    let list = byUser.get(user);
    if (!list) byUser.set(user, (list = []));
    list.push({ item, ts, line });
  };
  rows.forEach((row, line) => {
    if (format === 'online-retail') {
      const user = row.CustomerID;
      if (!user || row.InvoiceNo?.startsWith('C') || !(Number(row.Quantity) > 0) || !(Number(row.UnitPrice) > 0)) return;
      add(user, row.StockCode!, Date.parse(row.InvoiceDate!.replace(' ', 'T') + 'Z'), line);
    } else {
      if (row.user === undefined || row.item === undefined) throw new CliError(`${path}: needs columns user,item[,timestamp]`);
      const ts = row.timestamp === undefined ? line : Number(row.timestamp) || Date.parse(row.timestamp);
      if (!Number.isFinite(ts)) throw new CliError(`${path}, row ${line + 2}: timestamp ${row.timestamp} is not a number or date`);
      add(row.user, row.item, ts, line);
    }
  });
  const sequences: Sequences = [];
  for (const list of byUser.values()) {
    // Ties (a basket) keep file order; an item counts once, at its first interaction.
    list.sort((a, b) => a.ts - b.ts || a.line - b.line);
    const seen = new Set<string>();
    const items: string[] = [];
    for (const { item } of list) if (!seen.has(item) && seen.add(item)) items.push(item);
    sequences.push(items);
  }
  return sequences;
}
