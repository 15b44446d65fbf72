// A contact's history: the typed list of what can happen to a contact, the snapshots recorded before and after,
// and the one read of it that every face uses.
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent, type IAuditEvent, type IContact } from '../entities/index.ts';
import type { Actor } from '../actor.ts';

/** Everything the history can record. One list: the core writes these, the faces translate `panel.history.<action>`. */
export const CONTACT_ACTIONS = ['created', 'updated', 'deleted', 'sender_added', 'sender_removed', 'ticket_sent'] as const;
export type ContactAction = (typeof CONTACT_ACTIONS)[number];

export interface SenderSnapshot {
  kind: string;
  value: string;
  platform: string | null;
}

/** A contact's fields as the history keeps them. */
export interface ContactSnapshot {
  name: string;
  senders: SenderSnapshot[];
  country: string | null;
  language: string | null;
  integrations: number[];
  note: string | null;
}

export function describeSender(s: { kind: string; value: string; platform?: string | null }): SenderSnapshot {
  return { kind: s.kind, value: s.value, platform: s.platform ?? null };
}

/** The snapshot of plain fields: used by the core's writes and by the seed, so both record the same shape. */
export function contactSnapshot(fields: {
  name: string;
  senders: { kind: string; value: string; platform?: string | null }[];
  country?: string | null;
  language?: string | null;
  integrations?: number[];
  note?: string | null;
}): ContactSnapshot {
  return {
    name: fields.name,
    senders: fields.senders.map(describeSender),
    country: fields.country ?? null,
    language: fields.language ?? null,
    integrations: [...(fields.integrations ?? [])].sort((a, b) => a - b),
    note: fields.note ?? null,
  };
}

/** The snapshot of a loaded contact entity (senders and integrations as loaded, or the given senders). */
export function snapshot(contact: IContact, senders?: { kind: string; value: string; platform?: string | null }[]): ContactSnapshot {
  return contactSnapshot({
    name: contact.name,
    senders: senders ?? (contact.senders.isInitialized() ? contact.senders.getItems() : []),
    country: contact.country,
    language: contact.language,
    integrations: contact.integrations.isInitialized() ? contact.integrations.getItems().map((i) => i.id) : [],
    note: contact.note,
  });
}

/** Adds one history event to the unit of work; the caller's flush or transaction writes it. */
export function recordEvent(
  em: EntityManager,
  contact: { id: number; name: string },
  action: ContactAction,
  actor: Actor,
  before: object | null,
  after: object | null,
): void {
  em.create(AuditEvent, {
    contactId: contact.id,
    contactName: contact.name,
    action,
    channel: actor.channel,
    actorId: actor.id,
    actorName: actor.name,
    before: before as Record<string, unknown> | null,
    after: after as Record<string, unknown> | null,
  });
}

/** A contact's history, newest first. It outlives the contact: a deleted contact's events are still here. */
export async function contactHistory(em: EntityManager, contactId: number, limit = 200): Promise<IAuditEvent[]> {
  return (await em.find(AuditEvent, { contactId }, { orderBy: { at: 'desc', id: 'desc' }, limit })) as IAuditEvent[];
}
