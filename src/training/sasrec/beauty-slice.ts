import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const DATA = resolve(process.env.VITRINE_DATA ?? resolve(import.meta.dirname, '../../../../shared/data'), 'amazon-beauty/Beauty.txt');

/** For the trainer's unit tests: the first `users` shoppers of Amazon Beauty, items renumbered by first appearance. */
export function beautySlice(users: number): { sequences: number[][]; itemCount: number } {
  const row = new Map<string, number>();
  const lines = readFileSync(DATA, 'utf8').trim().split('\n').slice(0, users);
  const sequences = lines.map((line) =>
    line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map((id) => {
        let r = row.get(id);
        if (r === undefined) row.set(id, (r = row.size));
        return r;
      }),
  );
  return { sequences, itemCount: row.size };
}
