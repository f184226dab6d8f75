import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { CliError } from './cli-error.js';

export interface Embeddings {
  ids: string[];
  dim: number;
  vectors: Float32Array;
}

/**
 * Reads embeddings from
 * - CSV/TSV: one row per item, first column the id, then the values (a header row is optional);
 * - JSON: `{ "id": [values…] }` or `[{ "id": "…", "vector": [values…] }]`.
 */
export function readEmbeddings(path: string): Embeddings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
  }
  const rows: Array<[string, number[]]> = [];
  if (path.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new CliError(`${path} is not valid JSON: ${(cause as Error).message}`);
    }
    const entries = Array.isArray(parsed)
      ? parsed.map((e: { id?: unknown; vector?: unknown }) => [e.id, e.vector] as const)
      : Object.entries(parsed as Record<string, unknown>);
    for (const [id, vector] of entries) {
      if (typeof id !== 'string' && typeof id !== 'number') throw new CliError(`${path}: an entry has no id`);
      if (!Array.isArray(vector)) throw new CliError(`${path}: item ${id} has no vector array`);
      rows.push([String(id), vector.map(Number)]);
    }
  } else {
    const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true, delimiter: path.endsWith('.tsv') ? '\t' : '' });
    if (parsed.errors.length > 0) throw new CliError(`${path}, row ${(parsed.errors[0]!.row ?? 0) + 1}: ${parsed.errors[0]!.message}`);
    parsed.data.forEach((row, index) => {
      const values = row.slice(1).map(Number);
      if (index === 0 && values.some((v) => Number.isNaN(v))) return; // header row
      rows.push([row[0]!, values]);
    });
  }
  if (rows.length === 0) throw new CliError(`${path} holds no embeddings`);
  const dim = rows[0]![1].length;
  const vectors = new Float32Array(rows.length * dim);
  rows.forEach(([id, values], i) => {
    if (values.length !== dim) throw new CliError(`${path}: item ${id} has ${values.length} values, the first item has ${dim}`);
    values.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new CliError(`${path}: item ${id} has a non-numeric value at position ${j + 1}`);
      vectors[i * dim + j] = v;
    });
  });
  return { ids: rows.map(([id]) => id), dim, vectors };
}
