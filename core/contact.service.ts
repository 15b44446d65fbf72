// Contact use cases: create, update, delete, senders, quick-add and look-up. Every write leaves an audit event.
import {
  OptimisticLockError,
  UniqueConstraintViolationException,
  type EntityManager,
} from '@mikro-orm/postgresql';
import { Contact, Sender, IntegrationAccount, AuditEvent } from './entities/index.ts';
import type { IContact, ISender } from './entities/index.ts';
import { ContactInput, ContactPatch, RequesterInput, SenderInput, issuesFrom, parseInput, MAX_NAME_LENGTH } from './contact.schemas.ts';
import { normalizeSender, senderKey, type NormalizedSender } from './senders.ts';
import { tidy } from './text.ts';
import { searchColumns } from './contact.search-columns.ts';
import { coreSettings } from './settings.ts';
import type { Actor } from './actor.ts';
import { loadContactViews, type ContactView } from './contact.view.ts';
import {
  InvalidInputError,
  NameTakenError,
  NotFoundError,
  SenderTakenError,
  StaleVersionError,
  type ContactRef,
  type FieldIssue,
} from './errors.ts';

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
export async function recordContactEvent(em: EntityManager, contactId: number, action: string, actor: Actor, details: Record<string, unknown>): Promise<void> {
  const contact = await em.findOne(Contact, contactId);
  if (!contact) throw new NotFoundError();
  recordEvent(em, contact as IContact, action, actor, null, details);
  await em.flush();
}

// ---------------------------------------------------------------------------------------------------------
// Quick-add (spec §4)

export interface QuickAddResult {
  contact: ContactView;
  created: true;
}

/**
 * Creates a contact for a ticket's requester, named after it. When the sender already belongs to a contact it
 * changes nothing and throws SenderTakenError naming the owner, so a repeated or concurrent quick-add of the
 * same requester never creates a second contact: the unique sender index decides who wins.
 */
export async function quickAddRequester(em: EntityManager, raw: unknown, actor: Actor, source: { url?: string | null } = {}): Promise<QuickAddResult> {
  const requester = parseInput(RequesterInput, raw, 'requester.');
  const sender = normalizeOrThrow(requester, coreSettings().defaultPhoneRegion, 'requester.value');
  const displayName = requester.displayName ? tidy(requester.displayName) : '';
  const names = quickAddNames(displayName || sender.value, sender.value);
  const sourceUrl = source.url ?? null;

  for (let attempt = 0; attempt < 20; attempt++) {
    const owner = await ownerOfSender(em, sender);
    if (owner) throw new SenderTakenError(owner, sender, 'requester.value');
    const name = await firstFreeName(em, names);
    try {
      const id = await em.transactional(async (tx) => {
        const contact = tx.create(Contact, {
          name,
          ...searchColumns(name, [sender]),
          createdVia: actor.channel,
          createdById: actor.id,
          createdByName: actor.name,
        }) as IContact;
        tx.create(Sender, senderEntityData(contact, sender, actor, sourceUrl));
        await tx.flush();
        recordEvent(tx, contact, 'created', actor, null, { ...snapshot(contact, [sender]), source: sourceUrl });
        return contact.id;
      });
      return { contact: await getContact(em, id), created: true };
    } catch (error) {
      // Lost a race: for the name, try the next one; for the sender, the loop reports the winner as the owner.
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
  }
  throw new Error('quick-add: could not settle a name after 20 attempts');
}

/** "Name", then "Name (value)", then "Name (value) (2)", "(3)", … each within the name length limit. */
function* quickAddNames(base: string, value: string): Generator<string> {
  const fit = (text: string, suffix: string) => tidy(text.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix);
  yield fit(base, '');
  const withValue = base === value ? base : fit(base, ` (${value})`.slice(0, 120));
  if (withValue !== base) yield withValue;
  for (let n = 2; ; n++) yield fit(withValue, ` (${n})`);
}

async function firstFreeName(em: EntityManager, names: Generator<string>): Promise<string> {
  for (;;) {
    const batch = Array.from({ length: 10 }, () => names.next().value as string);
    const taken = new Set(
      (await em.getConnection().execute<{ name_key: string }[]>('select name_key from contact where name_key = any(?::text[])', [pgTextArray(batch.map((n) => n.toLowerCase()))])).map((r) => r.name_key),
    );
    const free = batch.find((n) => !taken.has(n.toLowerCase()));
    if (free) return free;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Validation

interface ValidContact {
  input: ContactInput;
  senders: NormalizedSender[];
}

/** Validates a whole contact at once, so a form shows every field's problem in one round trip. */
function validateContact(raw: unknown): ValidContact {
  const parsed = ContactInput.safeParse(raw);
  const issues: FieldIssue[] = parsed.success ? [] : issuesFrom(parsed.error);
  const rawSenders = parsed.success ? parsed.data.senders : senderInputsOf(raw);
  const country = parsed.success ? parsed.data.country : null;
  let senders: NormalizedSender[] = [];
  try {
    senders = normalizeSenderList(rawSenders, country ?? coreSettings().defaultPhoneRegion);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    issues.push(...error.issues.filter((i) => !issues.some((j) => j.field === i.field)));
  }
  if (issues.length || !parsed.success) throw new InvalidInputError(issues);
  return { input: parsed.data, senders };
}

/** The senders of an input that failed elsewhere, so their own problems are reported too. */
function senderInputsOf(raw: unknown): SenderInput[] {
  const list = raw && typeof raw === 'object' ? (raw as { senders?: unknown }).senders : undefined;
  if (!Array.isArray(list)) return [];
  return list.map((item) => SenderInput.safeParse(item)).flatMap((r) => (r.success ? [r.data] : []));
}

function normalizeSenderList(inputs: SenderInput[], region: string): NormalizedSender[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  const senders: NormalizedSender[] = [];
  inputs.forEach((input, index) => {
    const result = normalizeSender(input, region);
    if (!result.ok) {
      issues.push({ field: `senders.${index}.${result.error.startsWith('error.handle.platform') || result.error === 'error.platform.invalid' ? 'platform' : 'value'}`, code: result.error });
      return;
    }
    const key = senderKey(result.sender);
    if (seen.has(key)) issues.push({ field: `senders.${index}.value`, code: 'error.sender.duplicate' });
    seen.add(key);
    senders.push(result.sender);
  });
  if (issues.length) throw new InvalidInputError(issues);
  return senders;
}

function normalizeOrThrow(input: SenderInput, region: string, field: string): NormalizedSender {
  const result = normalizeSender(input, region);
  if (!result.ok) {
    const platformField = field.replace(/value$/u, 'platform');
    throw new InvalidInputError([{ field: result.error.includes('platform') ? platformField : field, code: result.error }]);
  }
  return result.sender;
}

async function assertIntegrationsExist(em: EntityManager, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await em.count(IntegrationAccount, { id: { $in: ids } });
  if (found !== ids.length) throw new InvalidInputError([{ field: 'integrations', code: 'error.integration.unknown' }]);
}

async function assertNameFree(em: EntityManager, name: string): Promise<void> {
  const owner = await contactByName(em, name);
  if (owner) throw new NameTakenError(owner);
}

async function assertSendersFree(em: EntityManager, senders: NormalizedSender[], contactId: number | null): Promise<void> {
  for (const [index, sender] of senders.entries()) {
    const owner = await ownerOfSender(em, sender);
    if (owner && owner.id !== contactId) throw new SenderTakenError(owner, sender, `senders.${index}.value`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

async function contactByName(em: EntityManager, name: string): Promise<ContactRef | null> {
  const rows = await em
    .getConnection()
    .execute<ContactRef[]>('select id, name from contact where name_key = ?', [name.toLowerCase()], 'all', em.getTransactionContext());
  return rows[0] ?? null;
}

async function ownerOfSender(em: EntityManager, sender: { kind: string; normalized: string; platform?: string | null }): Promise<ContactRef | null> {
  const rows = await em.getConnection().execute<ContactRef[]>(
    `select c.id, c.name from sender s join contact c on c.id = s.contact_id
      where s.kind = ? and coalesce(s.platform, '') = ? and s.normalized = ?`,
    [sender.kind, sender.platform ?? '', sender.normalized],
    'all',
    em.getTransactionContext(),
  );
  return rows[0] ?? null;
}

async function loadForWrite(tx: EntityManager, id: number, expectedVersion: number | undefined): Promise<IContact> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  const contact = (await tx.findOne(Contact, id, { populate: ['senders', 'integrations'] })) as IContact | null;
  if (!contact) throw new NotFoundError();
  if (expectedVersion !== undefined && contact.version !== expectedVersion) throw new StaleVersionError(contact.version);
  return contact;
}

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

function senderEntityData(contact: IContact, sender: NormalizedSender, actor: Actor, sourceUrl: string | null) {
  return {
    contact,
    kind: sender.kind,
    value: sender.value,
    normalized: sender.normalized,
    platform: sender.platform,
    digits: sender.digits,
    searchKey: sender.searchKey,
    sourceUrl: sourceUrl ? sourceUrl.slice(0, 1000) : null,
    addedVia: actor.channel,
    addedById: actor.id,
    addedByName: actor.name,
  };
}

/** After any change of name or senders: the derived search columns from the loaded senders, and a new updatedAt. */
function touch(contact: IContact): void {
  Object.assign(contact, searchColumns(contact.name, contact.senders.isInitialized() ? contact.senders.getItems() : []));
  contact.updatedAt = new Date();
}

function describeSender(s: { kind: string; value: string; platform?: string | null }) {
  return { kind: s.kind, value: s.value, platform: s.platform ?? null };
}

function snapshot(contact: IContact, senders?: { kind: string; value: string; platform?: string | null }[]): Record<string, unknown> {
  const senderList = senders ?? (contact.senders.isInitialized() ? contact.senders.getItems() : []);
  const integrations = contact.integrations.isInitialized() ? contact.integrations.getItems().map((i) => i.id).sort((a, b) => a - b) : [];
  return {
    name: contact.name,
    senders: senderList.map(describeSender),
    country: contact.country ?? null,
    language: contact.language ?? null,
    integrations,
    note: contact.note ?? null,
  };
}

function recordEvent(em: EntityManager, contact: IContact, action: string, actor: Actor, before: Record<string, unknown> | null, after: Record<string, unknown> | null): void {
  em.create(AuditEvent, {
    contactId: contact.id,
    contactName: contact.name,
    action,
    channel: actor.channel,
    actorId: actor.id,
    actorName: actor.name,
    before,
    after,
  });
}

/**
 * Maps the database's verdicts to domain errors: a unique index that fired (someone else won a race) names the
 * owner, and a version that moved on means the contact changed meanwhile.
 */
async function translateWriteErrors<T>(em: EntityManager, senders: NormalizedSender[], contactId: number | null, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof OptimisticLockError) throw new StaleVersionError();
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const constraint = (error as { constraint?: string }).constraint;
    if (constraint === 'contact_name_key_unique') {
      const raced = await racedName(em, error);
      if (raced) throw new NameTakenError(raced);
    }
    if (constraint === 'sender_identity_unique') {
      for (const [index, sender] of senders.entries()) {
        const owner = await ownerOfSender(em, sender);
        if (owner && owner.id !== contactId) throw new SenderTakenError(owner, sender, `senders.${index}.value`);
      }
      if (contactId !== null) throw new StaleVersionError(); // a concurrent edit of the same contact added it
    }
    throw error;
  }
}

async function racedName(em: EntityManager, error: UniqueConstraintViolationException): Promise<ContactRef | null> {
  // PostgreSQL's detail names the key: Key (name_key)=(jan kowalski) already exists.
  const match = /\(name_key\)=\((.*)\) already exists/u.exec(String((error as { detail?: string }).detail ?? ''));
  return match ? contactByName(em, match[1]) : null;
}

function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/gu, (c) => `\\${c}`)}"`).join(',')}}`;
}
