// One change to a contact: who, when, through what, and the state before and after.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  properties: (p) => ({
    id: p.bigint('number').primary().autoincrement(),
    // No foreign key: a deleted contact's history is kept.
    contactId: p.integer(),
    contactName: p.string().length(200),
    action: p.string().length(30),
    channel: p.string().length(20),
    actorId: p.string().length(100),
    actorName: p.string().length(200),
    at: p.datetime().onCreate(() => new Date()),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
  }),
  indexes: [{ name: 'audit_event_contact_idx', properties: ['contactId', 'at'] }],
});
export type IAuditEvent = InferEntity<typeof AuditEvent>;
