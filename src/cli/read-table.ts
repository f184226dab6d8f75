import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import Papa from 'papaparse';
import { CliError } from './cli-error.js';

/** Reads a CSV or TSV file (optionally .gz) with a header row into records of strings. */
export function readTable(path: string): Array<Record<string, string>> {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (cause) {
    throw new CliError(`Cannot read ${path}: ${(cause as Error).message}`);
  }
  const text = (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  const delimiter = /\.tsv(\.gz)?$/.test(path) ? '\t' : /\.csv(\.gz)?$/.test(path) ? ',' : '';
  const parsed = Papa.parse<Record<string, string>>(text, {
    header: true,
    skipEmptyLines: true,
    delimiter,
    // Product titles contain stray quotes; TSV exports do not quote fields.
    quoteChar: delimiter === '\t' ? '\u0000' : '"',
  });
  const fatal = parsed.errors.find((e) => e.type !== 'FieldMismatch');
  if (fatal) throw new CliError(`${path}, row ${(fatal.row ?? 0) + 2}: ${fatal.message}`);
  return parsed.data;
}
