import { ItemTable } from './item-table.js';
import type { Catalog } from './types.js';

const tables = new WeakMap<Catalog, ItemTable>();

/** The catalog's table: the decoder's, or one made once from `catalog.items`. */
export function itemTable(catalog: Catalog): ItemTable {
  if (catalog.table) return catalog.table;
  let table = tables.get(catalog);
  if (!table) tables.set(catalog, (table = ItemTable.fromItems(catalog.items)));
  return table;
}
