/** `vitrine` arguments (without `--out`) by catalog file name; `demo` adds the demo's second shop. */
export function catalogRecipes(data: string, root: string, options?: { demo?: boolean }): Record<string, string[]>;
