// Contact use cases: read, create, update, delete, add and remove senders. Every write follows the rules of
// contact.rules.ts and leaves an event in the history (contact.audit.ts).
import type { EntityManager } from '@mikro-orm/postgresql';
import { Contact, Sender, IntegrationAccount, type IContact, type ISender } from '../entities/index.ts';
import { ContactPatch, SenderInput, parseInput } from './contact.schemas.ts';
import { senderKey } from './senders.ts';
import { tidy } from '../text.ts';
import { searchColumns } from './contact.search-columns.ts';
import { coreSettings } from '../settings.ts';
import type { Actor } from '../actor.ts';
import { loadContactViews, type ContactView } from './contact.view.ts';
import { NameTakenError, NotFoundError, SenderTakenError, StaleVersionError, type ContactRef } from '../errors.ts';
import { describeSender, recordEvent, snapshot, type ContactAction } from './contact.audit.ts';
import {
  assertIntegrationsExist,
  assertNameFree,
  assertSendersFree,
  contactByName,
  loadForWrite,
  normalizeOrThrow,
  normalizeSenderList,
  ownerOfSender,
  senderEntityData,
  touch,
  translateWriteErrors,
  validateContact,
} from './contact.rules.ts';
import type { NormalizedSender } from './senders.ts';

// ---------------------------------------------------------------------------------------------------------
// Reads

export async function getContact(em: EntityManager, id: number): Promise<ContactView> {
  const [contact] = Number.isSafeInteger(id) && id > 0 ? await loadContactViews(em, [id]) : [];
  if (!contact) throw new NotFoundError();
  return contact;
}

/** The contact that owns a sender, or null. Invalid sender input throws InvalidInputError. */
export async function findContactBySender(em: EntityManager, raw: unknown): Promise<ContactView | null> {
  const sender = normalizeOrThrow(parseInput(SenderInput, raw), coreSettings().defaultPhoneRegion, 'value');
  const owner = await ownerOfSender(em, sender);
  return owner ? getContact(em, owner.id) : null;
}

/** Who already has this name (case-insensitive), other than `exceptId`: for the panel's inline check. */
export async function findNameOwner(em: EntityManager, name: string, exceptId?: number): Promise<ContactRef | null> {
  const owner = await contactByName(em, tidy(name));
  return owner && owner.id !== exceptId ? owner : null;
}

// ---------------------------------------------------------------------------------------------------------
// Writes

export async function createContact(em: EntityManager, raw: unknown, actor: Actor, options: { sourceUrl?: string | null } = {}): Promise<ContactView> {
  const { input, senders } = validateContact(raw);
  await assertIntegrationsExist(em, input.integrations);
  await assertNameFree(em, input.name);
  await assertSendersFree(em, senders, null);
  const id = await translateWriteErrors(em, senders, null, () =>
    em.transactional(async (tx) => {
      const contact = tx.create(Contact, {
        name: input.name,
        ...searchColumns(input.name, senders),
        country: input.country,
        language: input.language,
        note: input.note,
        createdVia: actor.channel,
        createdById: actor.id,
        createdByName: actor.name,
      }) as IContact;
      for (const sender of senders) tx.create(Sender, senderEntityData(contact, sender, actor, options.sourceUrl ?? null));
      for (const integrationId of input.integrations) contact.integrations.add(tx.getReference(IntegrationAccount, integrationId));
      await tx.flush();
      recordEvent(tx, contact, 'created', actor, null, snapshot(contact));
      return contact.id;
    }),
  );
  return getContact(em, id);
}

export async function updateContact(em: EntityManager, id: number, raw: unknown, actor: Actor): Promise<ContactView> {
  const patch = parseInput(ContactPatch, raw);
  await assertIntegrationsExist(em, patch.integrations ?? []);
  const result = await translateWriteErrors(em, [], id, () =>
    em.transactional(async (tx) => {
      const contact = await loadForWrite(tx, id, patch.version);
      const before = snapshot(contact);
      const country = patch.country !== undefined ? patch.country : contact.country;
      const senders = patch.senders ? normalizeSenderList(patch.senders, country ?? coreSettings().defaultPhoneRegion) : null;
      if (patch.name !== undefined && patch.name !== contact.name) {
        const owner = await contactByName(tx, patch.name);
        if (owner && owner.id !== contact.id) throw new NameTakenError(owner);
        contact.name = patch.name;
      }
      if (patch.country !== undefined) contact.country = patch.country;
      if (patch.language !== undefined) contact.language = patch.language;
      if (patch.note !== undefined) contact.note = patch.note;
      if (patch.integrations) {
        contact.integrations.set(patch.integrations.map((integrationId) => tx.getReference(IntegrationAccount, integrationId)));
      }
      if (senders) await replaceSenders(tx, contact, senders, actor);
      const after = snapshot(contact);
      if (JSON.stringify(before) === JSON.stringify(after)) return contact.id; // nothing changed: no new version
      touch(contact);
      await tx.flush();
      recordEvent(tx, contact, 'updated', actor, before, after);
      return contact.id;
    }),
  );
  return getContact(em, result);
}

export async function deleteContact(em: EntityManager, id: number, actor: Actor, expectedVersion?: number): Promise<void> {
  await translateWriteErrors(em, [], id, () =>
    em.transactional(async (tx) => {
      const contact = await loadForWrite(tx, id, expectedVersion);
      const before = snapshot(contact);
      // The database cascades to the senders and integration links; the audit trail keeps the history.
      const deleted = await tx.nativeDelete(Contact, { id: contact.id, version: contact.version });
      if (deleted === 0) throw new StaleVersionError();
      recordEvent(tx, contact, 'deleted', actor, before, null);
    }),
  );
}

export interface SenderOptions {
  sourceUrl?: string | null;
  expectedVersion?: number;
}

/** Adds one sender; adding one the contact already has changes nothing. */
export async function addSender(em: EntityManager, contactId: number, raw: unknown, actor: Actor, options: SenderOptions = {}): Promise<ContactView> {
  const input = parseInput(SenderInput, raw);
  const id = await translateWriteErrors(em, [], contactId, () =>
    em.transactional(async (tx) => {
      const contact = await loadForWrite(tx, contactId, options.expectedVersion);
      const sender = normalizeOrThrow(input, contact.country ?? coreSettings().defaultPhoneRegion, 'value');
      if (contact.senders.getItems().some((s) => senderKey(s) === senderKey(sender))) return contact.id;
      const owner = await ownerOfSender(tx, sender);
      if (owner) throw new SenderTakenError(owner, sender, 'value');
      contact.senders.add(tx.create(Sender, senderEntityData(contact, sender, actor, options.sourceUrl ?? null)) as ISender);
      touch(contact);
      await tx.flush();
      recordEvent(tx, contact, 'sender_added', actor, null, { sender: describeSender(sender) });
      return contact.id;
    }),
  );
  return getContact(em, id);
}

export async function removeSender(em: EntityManager, contactId: number, senderId: number, actor: Actor, expectedVersion?: number): Promise<ContactView> {
  await translateWriteErrors(em, [], contactId, () =>
    em.transactional(async (tx) => {
      const contact = await loadForWrite(tx, contactId, expectedVersion);
      const sender = contact.senders.getItems().find((s) => s.id === senderId);
      if (!sender) throw new NotFoundError();
      contact.senders.remove(sender);
      tx.remove(sender);
      touch(contact);
      await tx.flush();
      recordEvent(tx, contact, 'sender_removed', actor, { sender: describeSender(sender) }, null);
    }),
  );
  return getContact(em, contactId);
}

/** Records something done to a contact outside its fields (a ticket sent to it). */
export async function recordContactEvent(em: EntityManager, contactId: number, action: ContactAction, actor: Actor, details: Record<string, unknown>): Promise<void> {
  const contact = await em.findOne(Contact, contactId);
  if (!contact) throw new NotFoundError();
  recordEvent(em, contact as IContact, action, actor, null, details);
  await em.flush();
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** Applies a complete new sender list: keeps the ones that stay, removes the rest, adds the new ones. */
async function replaceSenders(tx: EntityManager, contact: IContact, senders: NormalizedSender[], actor: Actor): Promise<void> {
  const wanted = new Map(senders.map((s, index) => [senderKey(s), { sender: s, index }]));
  for (const existing of contact.senders.getItems()) {
    const keep = wanted.get(senderKey(existing));
    if (keep) {
      existing.value = keep.sender.value; // the same identity typed differently ("Jan@X.pl")
      wanted.delete(senderKey(existing));
    } else {
      contact.senders.remove(existing);
      tx.remove(existing);
    }
  }
  for (const { sender, index } of wanted.values()) {
    const owner = await ownerOfSender(tx, sender);
    if (owner && owner.id !== contact.id) throw new SenderTakenError(owner, sender, `senders.${index}.value`);
    contact.senders.add(tx.create(Sender, senderEntityData(contact, sender, actor, null)) as ISender);
  }
}
