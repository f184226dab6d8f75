import { readFileSync } from 'node:fs';
import { parse as parseNpy } from 'npyjs';
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
 * - JSON: `{ "id": [values…] }` or `[{ "id": "…", "vector": [values…] }]`;
 * - NumPy `.npy`: an N × d matrix (float16/32/64 or integers, C or Fortran order), with the ids in
 *   `idsPath` (one per line, or the first column of a CSV/TSV), row i ↔ id i.
 */
export function readEmbeddings(path: string, idsPath?: string): Embeddings {
  if (path.endsWith('.npy')) return readNpyEmbeddings(path, idsPath);
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

/** An `.npy` matrix (e.g. `np.save('emb.npy', model.item_embeddings)`) plus its ids file. */
function readNpyEmbeddings(path: string, idsPath: string | undefined): Embeddings {
  if (!idsPath) throw new CliError(`${path}: a .npy matrix has no item ids; pass --ids <file> (one id per line, in row order)`);
  let matrix: ReturnType<typeof parseNpy>;
  try {
    const bytes = readFileSync(path);
    matrix = parseNpy(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } catch (cause) {
    throw new CliError(`${path} is not a readable .npy file: ${(cause as Error).message}`);
  }
  if (matrix.shape.length !== 2) throw new CliError(`${path}: expected an items × dimensions matrix, got shape (${matrix.shape.join(', ')})`);
  const [n, dim] = matrix.shape as [number, number];
  const data = matrix.data as unknown as ArrayLike<number | bigint>;
  if (typeof data[0] === 'bigint' || matrix.dtype.startsWith('U') || matrix.dtype.startsWith('c'))
    throw new CliError(`${path}: dtype ${matrix.dtype} is not a real-valued matrix`);
  const vectors = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) {
      // Fortran order stores columns first.
      const v = Number(data[matrix.fortranOrder ? j * n + i : i * dim + j]);
      if (!Number.isFinite(v)) throw new CliError(`${path}: row ${i} has a non-finite value at position ${j + 1}`);
      vectors[i * dim + j] = v;
    }
  }
  let ids = readIds(idsPath);
  // A CSV/TSV ids file may start with a header row.
  if (ids.length === n + 1 && /\.(csv|tsv)$/.test(idsPath)) ids = ids.slice(1);
  if (ids.length !== n) throw new CliError(`${idsPath} lists ${ids.length} ids but ${path} has ${n} rows`);
  return { ids, dim, vectors };
}

function readIds(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
  }
  const table = path.endsWith('.csv') || path.endsWith('.tsv');
  const ids = table
    ? Papa.parse<string[]>(text, { skipEmptyLines: true, delimiter: path.endsWith('.tsv') ? '\t' : ',' }).data.map((row) => String(row[0] ?? '').trim())
    : text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '');
  if (ids.some((id) => id === '')) throw new CliError(`${path}: an id is empty`);
  return ids;
}
