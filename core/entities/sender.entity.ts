// An account a customer writes from: an e-mail, a phone or a handle on a platform.
import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { Contact } from './contact.entity.ts';

export const Sender = defineEntity({
  name: 'Sender',
  tableName: 'sender',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    contact: () => p.manyToOne(Contact).deleteRule('cascade'),
    kind: p.string().length(10),
    value: p.string().length(254),
    normalized: p.string().length(254),
    platform: p.string().length(40).nullable(),
    digits: p.string().length(20).nullable(),
    searchKey: p.string().length(254),
    sourceUrl: p.string().length(1000).nullable(),
    addedVia: p.string().length(20),
    addedById: p.string().length(100),
    addedByName: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
  indexes: [
    // Every contact view reads its senders; without this each would scan the whole table.
    { name: 'sender_contact_idx', properties: ['contact'] },
    // The database, not the code, decides who owns a sender: two concurrent requests cannot both win.
    {
      name: 'sender_identity_unique',
      expression:
        'create unique index "sender_identity_unique" on "sender" ("kind", coalesce("platform", \'\'), "normalized")',
    },
    {
      name: 'sender_search_key_prefix_idx',
      expression: 'create index "sender_search_key_prefix_idx" on "sender" ("search_key" text_pattern_ops)',
    },
  ],
});
export type ISender = InferEntity<typeof Sender>;
