// A customer: one record across every channel the customer writes from.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Sender } from './sender.entity.ts';
import { IntegrationAccount } from './integration-account.entity.ts';

export const Contact = defineEntity({
  name: 'Contact',
  tableName: 'contact',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200),
    /** Lower-cased name: uniqueness is case-insensitive. */
    nameKey: p.string().length(400).unique('contact_name_key_unique'),
    /** Folded name (no case, no diacritics), for prefix search. */
    nameFolded: p.string().length(400),
    /** Polish alphabetical order as a "C"-collation key (see core/text.ts). */
    sortKey: p.string().length(400).columnType('varchar(400) collate "C"'),
    /** Folded name and every sender's search key, for fragment search through one trigram index. */
    searchText: p.text(),
    country: p.string().length(2).nullable(),
    language: p.string().length(2).nullable(),
    note: p.text().nullable(),
    senders: () => p.oneToMany(Sender).mappedBy('contact'),
    integrations: () => p.manyToMany(IntegrationAccount).pivotTable('contact_integration').owner(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    createdVia: p.string().length(20),
    createdById: p.string().length(100),
    createdByName: p.string().length(200),
    version: p.integer().version(),
  }),
  indexes: [
    { name: 'contact_sort_key_idx', properties: ['sortKey', 'id'] },
    { name: 'contact_created_at_idx', properties: ['createdAt', 'id'] },
    { name: 'contact_country_idx', properties: ['country'] },
    { name: 'contact_language_idx', properties: ['language'] },
    {
      name: 'contact_name_folded_prefix_idx',
      expression: 'create index "contact_name_folded_prefix_idx" on "contact" ("name_folded" text_pattern_ops)',
    },
    {
      name: 'contact_search_text_trgm_idx',
      expression: 'create index "contact_search_text_trgm_idx" on "contact" using gin ("search_text" gin_trgm_ops)',
    },
  ],
});
export type IContact = InferEntity<typeof Contact>;
