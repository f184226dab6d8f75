/** Folds case and diacritics, so "Crème" matches "creme". Shared by search and training. */
export function normalizeTerm(term: string): string {
  return term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
