// Contact use cases against a real database: uniqueness, senders, optimistic locking, history, quick-add.
import t from 'tap';
import { testDatabase } from '../helpers/db.ts';
import { actor } from '../../core/actor.ts';
import {
  addSender,
  createContact,
  deleteContact,
  findContactBySender,
  getContact,
  removeSender,
  updateContact,
} from '../../core/contacts/contact.service.ts';
import { quickAddRequester } from '../../core/contacts/quick-add.ts';
import { createIntegration, deleteIntegration } from '../../core/integration.service.ts';
import { searchContacts } from '../../core/contacts/contact.search.ts';
import { InvalidInputError, NameTakenError, NotFoundError, SenderTakenError, StaleVersionError, InUseError } from '../../core/errors.ts';

const agent = actor('panel', 'user:1', 'Anna Agent');
const slackUser = actor('slack', 'U123', 'marek');

t.test('contacts', async (t) => {
  const { orm } = await testDatabase(t);
  const em = () => orm.em.fork();

  t.test('a contact is stored with normalised senders and who added it', async (t) => {
    const contact = await createContact(em(), {
      name: '  Jan   Kowalski ',
      senders: [
        { kind: 'email', value: 'Jan.Kowalski@Example.PL' },
        { kind: 'phone', value: '600 100 200' },
        { kind: 'handle', value: '@janek', platform: 'Allegro' },
      ],
      country: 'pl',
      language: 'PL',
      note: 'VIP',
    }, agent);
    t.equal(contact.name, 'Jan Kowalski');
    t.same(contact.senders.map((s) => [s.kind, s.normalized, s.platform]), [
      ['email', 'jan.kowalski@example.pl', null],
      ['phone', '+48600100200', null],
      ['handle', 'janek', 'allegro'],
    ]);
    t.same([contact.country, contact.language, contact.note, contact.version], ['PL', 'pl', 'VIP', 1]);
    t.same([contact.createdVia, contact.createdByName, contact.senders[0].addedByName], ['panel', 'Anna Agent', 'Anna Agent']);
  });

  t.test('names are unique without regard to case or spacing', async (t) => {
    await t.rejects(createContact(em(), { name: 'jan  KOWALSKI' }, agent), NameTakenError);
    const error = await createContact(em(), { name: 'JAN KOWALSKI' }, agent).catch((e: unknown) => e);
    t.ok(error instanceof NameTakenError && error.owner.name === 'Jan Kowalski', 'the error names the contact that has it');
  });

  t.test('a sender belongs to one contact; the refusal names the owner and the field', async (t) => {
    const error = await createContact(em(), { name: 'Someone Else', senders: [{ kind: 'phone', value: '+48 600 100 200' }] }, agent).catch((e: unknown) => e);
    t.ok(error instanceof SenderTakenError);
    t.same(error instanceof SenderTakenError && [error.owner.name, error.field], ['Jan Kowalski', 'senders.0.value']);
    t.equal((await findContactBySender(em(), { kind: 'email', value: 'JAN.kowalski@example.pl' }))?.name, 'Jan Kowalski');
    t.equal(await findContactBySender(em(), { kind: 'handle', value: 'janek', platform: 'ebay' }), null, 'a nick on another platform is someone else');
  });

  t.test('every problem of a form is reported at once, by field', async (t) => {
    const error = await createContact(em(), {
      name: ' ',
      senders: [{ kind: 'email', value: 'nope' }, { kind: 'phone', value: '12' }, { kind: 'handle', value: 'x' }, { kind: 'email', value: 'a@b.pl' }, { kind: 'email', value: 'A@B.pl' }],
      country: 'XX',
      language: 'zz',
      note: 'n'.repeat(5001),
    }, agent).catch((e: unknown) => e);
    t.ok(error instanceof InvalidInputError);
    const byField = Object.fromEntries((error as InvalidInputError).issues.map((i) => [i.field, i.code]));
    t.same(byField, {
      name: 'error.name.required',
      country: 'error.country.invalid',
      language: 'error.language.invalid',
      note: 'error.note.tooLong',
      'senders.0.value': 'error.email.invalid',
      'senders.1.value': 'error.phone.invalid',
      'senders.2.platform': 'error.handle.platformRequired',
      'senders.4.value': 'error.sender.duplicate',
    });
    t.equal((await orm.em.fork().getConnection().execute('select count(*)::int as n from contact'))[0].n, 1, 'nothing was stored');
  });

  t.test('phones without a prefix are read with the contact’s country', async (t) => {
    const contact = await createContact(em(), { name: 'Hans Müller', country: 'DE', senders: [{ kind: 'phone', value: '030 1234567' }] }, agent);
    t.equal(contact.senders[0].normalized, '+49301234567');
  });

  t.test('updates need the current version; a stale one is refused and nothing is merged', async (t) => {
    const contact = await createContact(em(), { name: 'Ewa Nowak', senders: [{ kind: 'email', value: 'ewa@nowak.pl' }] }, agent);
    const renamed = await updateContact(em(), contact.id, { version: 1, name: 'Ewa Nowak-Kowalska', senders: [{ kind: 'email', value: 'EWA@nowak.pl' }, { kind: 'phone', value: '601 222 333' }] }, agent);
    t.same([renamed.name, renamed.version, renamed.senders.map((s) => s.normalized)], ['Ewa Nowak-Kowalska', 2, ['ewa@nowak.pl', '+48601222333']]);
    t.equal(renamed.senders[0].id, contact.senders[0].id, 'a sender that stays keeps its row and its history');
    await t.rejects(updateContact(em(), contact.id, { version: 1, note: 'from an old form' }, agent), StaleVersionError);
    t.equal((await getContact(em(), contact.id)).note, null);
    const unchanged = await updateContact(em(), contact.id, { version: 2, name: 'Ewa Nowak-Kowalska' }, agent);
    t.equal(unchanged.version, 2, 'saving without a change does not make a new version');
  });

  t.test('concurrent edits of one contact: one wins, the other is told it changed meanwhile', async (t) => {
    const contact = await createContact(em(), { name: 'Race Condition' }, agent);
    const results = await Promise.allSettled([
      updateContact(em(), contact.id, { version: 1, note: 'first' }, agent),
      updateContact(em(), contact.id, { version: 1, note: 'second' }, agent),
    ]);
    t.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    t.ok(rejected.reason instanceof StaleVersionError);
    const stored = await getContact(em(), contact.id);
    t.same([stored.version, ['first', 'second'].includes(stored.note ?? '')], [2, true]);
  });

  t.test('senders can be added and removed one at a time', async (t) => {
    const contact = await createContact(em(), { name: 'Piotr Zieliński' }, agent);
    const withSender = await addSender(em(), contact.id, { kind: 'handle', value: 'piotr_z', platform: 'olx' }, slackUser, { sourceUrl: 'https://team.slack.com/archives/C1/p1' });
    t.same(withSender.senders.map((s) => [s.value, s.platform, s.addedVia, s.addedByName, s.sourceUrl]), [['piotr_z', 'olx', 'slack', 'marek', 'https://team.slack.com/archives/C1/p1']]);
    const again = await addSender(em(), contact.id, { kind: 'handle', value: 'PIOTR_Z', platform: 'OLX' }, slackUser);
    t.equal(again.senders.length, 1, 'adding a sender the contact already has changes nothing');
    t.same((await searchContacts(em(), { q: 'piotr_z' })).items.map((c) => c.name), ['Piotr Zieliński'], 'an added sender is searchable at once');
    await t.rejects(addSender(em(), contact.id, { kind: 'email', value: 'jan.kowalski@example.pl' }, agent), SenderTakenError);
    const removed = await removeSender(em(), contact.id, withSender.senders[0].id, agent);
    t.same(removed.senders, []);
    t.same((await searchContacts(em(), { q: 'piotr_z' })).items, [], 'a removed sender no longer finds the contact');
    await t.rejects(removeSender(em(), contact.id, 999_999, agent), NotFoundError);
  });

  t.test('delete frees the senders and keeps the history', async (t) => {
    const contact = await createContact(em(), { name: 'Tymczasowy', senders: [{ kind: 'email', value: 'tmp@example.com' }] }, agent);
    await deleteContact(em(), contact.id, agent);
    await t.rejects(getContact(em(), contact.id), NotFoundError);
    await t.rejects(deleteContact(em(), contact.id, agent), NotFoundError);
    const reused = await createContact(em(), { name: 'Nowy Właściciel', senders: [{ kind: 'email', value: 'TMP@example.com' }] }, agent);
    t.equal(reused.senders[0].normalized, 'tmp@example.com');
    const history = await orm.em.fork().getConnection().execute('select action, actor_name from audit_event where contact_id = ? order by id', [contact.id]);
    t.same(history, [{ action: 'created', actor_name: 'Anna Agent' }, { action: 'deleted', actor_name: 'Anna Agent' }]);
  });

  t.test('every change is in the history with before and after', async (t) => {
    const contact = await createContact(em(), { name: 'Historia' }, agent);
    await updateContact(em(), contact.id, { version: 1, country: 'CZ' }, slackUser);
    const [created, updated] = await orm.em.fork().getConnection().execute('select action, channel, actor_id, before, after from audit_event where contact_id = ? order by id', [contact.id]);
    t.same([created.action, created.channel, created.before], ['created', 'panel', null]);
    t.same([updated.action, updated.channel, updated.actor_id, updated.before.country, updated.after.country], ['updated', 'slack', 'U123', null, 'CZ']);
  });

  t.test('integration accounts attach to contacts and cannot be removed while used', async (t) => {
    const shop = await createIntegration(em(), { platform: 'Allegro', label: 'Main shop' });
    const contact = await createContact(em(), { name: 'Klient Allegro', integrations: [shop.id] }, agent);
    t.same(contact.integrations, [{ id: shop.id, platform: 'allegro', label: 'Main shop' }]);
    await t.rejects(createContact(em(), { name: 'Ghost', integrations: [987654] }, agent), InvalidInputError);
    await t.rejects(deleteIntegration(em(), shop.id), InUseError);
    await updateContact(em(), contact.id, { version: 1, integrations: [] }, agent);
    await deleteIntegration(em(), shop.id);
  });
});

t.test('quick-add', async (t) => {
  const { orm } = await testDatabase(t);
  const em = () => orm.em.fork();

  t.test('names the contact after the display name, then "Name (value)", then numbers', async (t) => {
    const first = await quickAddRequester(em(), { kind: 'email', value: 'Ola@Shop.pl', displayName: 'Ola Kamińska' }, slackUser, { url: 'https://x.slack.com/archives/C1/p2' });
    t.same([first.created, first.contact.name, first.contact.senders[0].normalized, first.contact.senders[0].sourceUrl], [true, 'Ola Kamińska', 'ola@shop.pl', 'https://x.slack.com/archives/C1/p2']);
    const second = await quickAddRequester(em(), { kind: 'email', value: 'ola@other.pl', displayName: 'ola kamińska' }, slackUser);
    t.equal(second.contact.name, 'ola kamińska (ola@other.pl)');
    await createContact(em(), { name: 'Ola Kamińska (ola@third.pl)' }, agent);
    const third = await quickAddRequester(em(), { kind: 'email', value: 'ola@third.pl', displayName: 'Ola Kamińska' }, slackUser);
    t.equal(third.contact.name, 'Ola Kamińska (ola@third.pl) (2)');
  });

  t.test('without a display name the contact is named after the value', async (t) => {
    const phone = await quickAddRequester(em(), { kind: 'phone', value: '+48 602 000 111' }, slackUser);
    t.equal(phone.contact.name, '+48 602 000 111');
    const nick = await quickAddRequester(em(), { kind: 'handle', value: 'zielony_kot_88', platform: 'allegro' }, slackUser);
    t.equal(nick.contact.name, 'zielony_kot_88');
    await createContact(em(), { name: 'blue_cat' }, agent);
    const clash = await quickAddRequester(em(), { kind: 'handle', value: 'blue_cat', platform: 'ebay' }, slackUser);
    t.equal(clash.contact.name, 'blue_cat (2)', 'no "value (value)" when the name is the value');
  });

  t.test('an owned sender changes nothing and names the owner', async (t) => {
    const error = await quickAddRequester(em(), { kind: 'email', value: 'OLA@shop.PL', displayName: 'Someone' }, slackUser).catch((e: unknown) => e);
    t.ok(error instanceof SenderTakenError);
    t.equal((error as SenderTakenError).owner.name, 'Ola Kamińska');
  });

  t.test('a nick without a platform is not guessed', async (t) => {
    const error = await quickAddRequester(em(), { kind: 'handle', value: 'janek' }, slackUser).catch((e: unknown) => e);
    t.ok(error instanceof InvalidInputError);
    t.same((error as InvalidInputError).issues, [{ field: 'requester.platform', code: 'error.handle.platformRequired' }]);
  });

  t.test('50 concurrent quick-adds of one sender (case variants) make exactly one contact', async (t) => {
    const variants = ['burst@example.com', 'BURST@example.com', 'Burst@Example.Com', ' burst@EXAMPLE.com '];
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => quickAddRequester(em(), { kind: 'email', value: variants[i % variants.length], displayName: 'Burst Buyer' }, actor('api', `c${i}`, `caller ${i}`))),
    );
    const created = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof quickAddRequester>>> => r.status === 'fulfilled');
    t.equal(created.length, 1, 'one caller created the contact');
    const owners = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.contact.id : (r.reason as SenderTakenError).owner?.id)));
    t.same([...owners], [created[0].value.contact.id], 'every other caller was told the same owner');
    const [{ contacts, senders }] = await orm.em.fork().getConnection().execute(
      `select (select count(*)::int from contact where name like 'Burst Buyer%') as contacts,
              (select count(*)::int from sender where normalized = 'burst@example.com') as senders`,
    );
    t.same([contacts, senders], [1, 1], 'one contact and one sender row, no orphans');
  });
});
