// The rules every write of a contact follows, whichever way it comes in (form, modal, API, quick-add, seed):
// validation and normalisation, who owns a name or a sender, loading for a write, the derived search columns,
// and how the database's verdicts (unique indexes, versions) become domain errors.
import { OptimisticLockError, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { Contact, IntegrationAccount, type IContact } from '../entities/index.ts';
import { ContactInput, SenderInput, issuesFrom } from './contact.schemas.ts';
import { normalizeSender, senderKey, type NormalizedSender } from './senders.ts';
import { searchColumns } from './contact.search-columns.ts';
import { coreSettings } from '../settings.ts';
import type { Actor } from '../actor.ts';
import { InvalidInputError, NameTakenError, NotFoundError, SenderTakenError, StaleVersionError, type ContactRef, type FieldIssue } from '../errors.ts';

// ---------------------------------------------------------------------------------------------------------
// Validation

export interface ValidContact {
  input: ContactInput;
  senders: NormalizedSender[];
}

/** Validates a whole contact at once, so a form shows every field's problem in one round trip. */
export function validateContact(raw: unknown): ValidContact {
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

/** Normalises a list of senders; a sender given twice is an error on its second occurrence. */
export function normalizeSenderList(inputs: SenderInput[], region: string): NormalizedSender[] {
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

export function normalizeOrThrow(input: SenderInput, region: string, field: string): NormalizedSender {
  const result = normalizeSender(input, region);
  if (!result.ok) {
    const platformField = field.replace(/value$/u, 'platform');
    throw new InvalidInputError([{ field: result.error.includes('platform') ? platformField : field, code: result.error }]);
  }
  return result.sender;
}

// ---------------------------------------------------------------------------------------------------------
// Ownership: who already has a name or a sender

export async function assertIntegrationsExist(em: EntityManager, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await em.count(IntegrationAccount, { id: { $in: ids } });
  if (found !== ids.length) throw new InvalidInputError([{ field: 'integrations', code: 'error.integration.unknown' }]);
}

export async function assertNameFree(em: EntityManager, name: string): Promise<void> {
  const owner = await contactByName(em, name);
  if (owner) throw new NameTakenError(owner);
}

export async function assertSendersFree(em: EntityManager, senders: NormalizedSender[], contactId: number | null): Promise<void> {
  for (const [index, sender] of senders.entries()) {
    const owner = await ownerOfSender(em, sender);
    if (owner && owner.id !== contactId) throw new SenderTakenError(owner, sender, `senders.${index}.value`);
  }
}

/** The contact with this name (case-insensitive), or null. */
export async function contactByName(em: EntityManager, name: string): Promise<ContactRef | null> {
  const rows = await em
    .getConnection()
    .execute<ContactRef[]>('select id, name from contact where name_key = ?', [name.toLowerCase()], 'all', em.getTransactionContext());
  return rows[0] ?? null;
}

/** The contact that owns this sender (by its normalised identity), or null. */
export async function ownerOfSender(em: EntityManager, sender: { kind: string; normalized: string; platform?: string | null }): Promise<ContactRef | null> {
  const rows = await em.getConnection().execute<ContactRef[]>(
    `select c.id, c.name from sender s join contact c on c.id = s.contact_id
      where s.kind = ? and coalesce(s.platform, '') = ? and s.normalized = ?`,
    [sender.kind, sender.platform ?? '', sender.normalized],
    'all',
    em.getTransactionContext(),
  );
  return rows[0] ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Loads a contact with its senders and integrations inside a write, checking the version the caller saw. */
export async function loadForWrite(tx: EntityManager, id: number, expectedVersion: number | undefined): Promise<IContact> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  const contact = (await tx.findOne(Contact, id, { populate: ['senders', 'integrations'] })) as IContact | null;
  if (!contact) throw new NotFoundError();
  if (expectedVersion !== undefined && contact.version !== expectedVersion) throw new StaleVersionError(contact.version);
  return contact;
}

/** The columns of a new sender row. */
export function senderEntityData(contact: IContact, sender: NormalizedSender, actor: Actor, sourceUrl: string | null) {
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
export function touch(contact: IContact): void {
  Object.assign(contact, searchColumns(contact.name, contact.senders.isInitialized() ? contact.senders.getItems() : []));
  contact.updatedAt = new Date();
}

/**
 * Maps the database's verdicts to domain errors: a unique index that fired (someone else won a race) names the
 * owner, and a version that moved on means the contact changed meanwhile.
 */
export async function translateWriteErrors<T>(em: EntityManager, senders: NormalizedSender[], contactId: number | null, write: () => Promise<T>): Promise<T> {
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

/** A PostgreSQL text[] literal, for `= any(?::text[])`. */
export function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/gu, (c) => `\\${c}`)}"`).join(',')}}`;
}
