import MiniSearch from 'minisearch';
import type { CatalogItem } from '../shared/api-types.js';
import { normalizeTerm } from '../shared/text.js';

// Word boundaries from the platform's ICU data: spaces for English, dictionary segmentation for
// Chinese or Japanese titles, which have no spaces.
const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Splits text into words in any script. */
export function tokenize(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => (s.isWordLike ? s.segment : '')).filter((s) => s !== '');
}

export interface LexicalHit {
  row: number;
  score: number;
}

/** Lexical retrieval over catalog titles, brands and categories (BM25 via MiniSearch). */
export class SearchIndex {
  readonly #index: MiniSearch<{ row: number; title: string; brand: string; category: string }>;

  constructor(items: readonly CatalogItem[]) {
    this.#index = new MiniSearch({
      idField: 'row',
      fields: ['title', 'brand', 'category'],
      tokenize,
      processTerm: normalizeTerm,
      searchOptions: { boost: { title: 2 }, prefix: (term) => term.length >= 3, fuzzy: (term) => (term.length >= 5 ? 0.2 : false), combineWith: 'OR' },
    });
    this.#index.addAll(items.map((item, row) => ({ row, title: item.title ?? '', brand: item.brand ?? '', category: item.category ?? '' })));
  }

  search(query: string, limit: number): LexicalHit[] {
    return this.#index
      .search(query)
      .slice(0, limit)
      .map((hit) => ({ row: hit.id as number, score: hit.score }));
  }
}
