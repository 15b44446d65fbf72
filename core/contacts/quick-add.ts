// Quick-add (spec §4): a contact for a ticket's requester, named after it, never twice for one sender.
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { Contact, Sender, type IContact } from '../entities/index.ts';
import { RequesterInput, parseInput, MAX_NAME_LENGTH } from './contact.schemas.ts';
import { tidy } from '../text.ts';
import { searchColumns } from './contact.search-columns.ts';
import { coreSettings } from '../settings.ts';
import type { Actor } from '../actor.ts';
import type { ContactView } from './contact.view.ts';
import { SenderTakenError } from '../errors.ts';
import { recordEvent, snapshot } from './contact.audit.ts';
import { normalizeOrThrow, ownerOfSender, pgTextArray, senderEntityData } from './contact.rules.ts';
import { getContact } from './contact.service.ts';

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
