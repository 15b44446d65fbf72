// The derived columns search and sorting use, recomputed on every change of a contact's name or senders.
// Bulk loaders (the seed script, imports) must call this too, so every row is searchable the same way.
import { fold, polishSortKey } from '../text.ts';

export interface SearchColumns {
  nameKey: string;
  nameFolded: string;
  sortKey: string;
  searchText: string;
}

export function searchColumns(name: string, senders: { searchKey: string }[]): SearchColumns {
  const nameFolded = fold(name);
  return {
    nameKey: name.toLowerCase(),
    nameFolded,
    sortKey: polishSortKey(name),
    // " | " keeps a fragment from matching across the name and a sender.
    searchText: [nameFolded, ...senders.map((s) => s.searchKey)].join(' | '),
  };
}
