// /contact over HTTP: find (and bare text), show, add, edit, help, an unknown word; English and Polish;
// Slack markup, hostile text, the users.info cache and a retried command.
import t from 'tap';
import { actor } from '../../core/actor.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { startFakeSlack, botTestApp, sendSigned, commandBody, blockText, buttons } from '../helpers/slack.ts';

t.test('/contact', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestApp(t, fake);
  fake.users.U0PL = { locale: 'pl-PL', name: 'Ola Agentka' };
  const em = app.orm.em.fork();
  const admin = actor('panel', 1, 'Admin');
  const shop = await createIntegration(em, { platform: 'allegro', label: 'main shop' });
  const jan = await createContact(em, {
    name: 'Jan Kowalski',
    senders: [{ kind: 'email', value: 'jan@kowalski.pl' }, { kind: 'handle', value: 'janek_k', platform: 'allegro' }],
    country: 'PL',
    language: 'pl',
    integrations: [shop.id],
    note: 'Prefers <b>phone</b> calls',
  }, admin);
  for (let i = 1; i <= 7; i++) await createContact(em, { name: `Nowak ${i}`, senders: [{ kind: 'email', value: `nowak${i}@example.com` }] }, admin);

  /** Sends a command and returns what the user was told. */
  async function command(text: string, fields: { user?: string; triggerId?: string; headers?: Record<string, string> } = {}) {
    const before = fake.ephemeral().length;
    const res = await sendSigned(app, commandBody({ text, responseUrl: fake.responseUrl(), user: fields.user, triggerId: fields.triggerId }), { headers: fields.headers });
    if (res.statusCode !== 200) throw new Error(`/contact ${text.slice(0, 40)} got ${res.statusCode}`);
    await idle();
    return fake.ephemeral().slice(before);
  }

  t.test('help, for `help` and for empty text, in English and in Polish', async (t) => {
    const [english] = await command('help');
    t.match(english.text, '/contact show <name>');
    const [empty] = await command('   ');
    t.match(empty.text, '/contact find <fragment>');
    const [polish] = await command('', { user: 'U0PL' });
    t.match(polish.text, 'kontakty ze Slacka');
  });

  t.test('find shows each contact with its senders, country, language, integrations, added date and buttons', async (t) => {
    const [answer] = await command('find kowal');
    const text = blockText(answer.blocks);
    t.match(text, 'Jan Kowalski');
    t.match(text, 'jan@kowalski.pl');
    t.match(text, 'janek_k (Allegro)');
    t.match(text, 'Poland');
    t.match(text, 'Polish');
    t.match(text, 'Allegro — main shop');
    t.match(text, /by Admin \(panel\)/);
    const found = buttons(answer.blocks);
    t.same(found.map((b) => b.action_id), ['contact_details', 'contact_edit', 'contact_open_in_panel']);
    t.equal(found[0].value, String(jan.id));
    t.equal(found[2].url, `https://contacts.example.com/contacts/${jan.id}`);
    t.equal(answer.via, 'response_url');
  });

  t.test('bare text searches too, in Polish for a Polish user, ignoring diacritics', async (t) => {
    const [answer] = await command('KOWALSKI', { user: 'U0PL' });
    const text = blockText(answer.blocks);
    t.match(text, 'Jan Kowalski');
    t.match(text, 'Polska');
    t.match(text, 'polski');
    t.same(buttons(answer.blocks).map((b) => b.text), ['Szczegóły', 'Edytuj', 'Otwórz w panelu']);
  });

  t.test('Slack markup in the text is unwrapped: a mailto link finds by its address', async (t) => {
    const [answer] = await command('find <mailto:JAN@kowalski.pl|JAN@kowalski.pl>');
    t.match(blockText(answer.blocks), 'Jan Kowalski');
  });

  t.test('more than a handful of matches: how many, the first five, and a link to the panel list', async (t) => {
    const [answer] = await command('find nowak');
    const text = blockText(answer.blocks);
    t.match(text, '7 contacts match “nowak”; here are the first 5.');
    t.equal(buttons(answer.blocks).filter((b) => b.action_id === 'contact_details').length, 5);
    t.equal(buttons(answer.blocks).find((b) => b.action_id === 'contact_list_open')?.url, 'https://contacts.example.com/contacts?q=nowak');
    const [polish] = await command('find nowak', { user: 'U0PL' });
    t.match(blockText(polish.blocks), 'Kontakty pasujące do „nowak”: 7; oto pierwsze 5.');
  });

  t.test('show gives the details, with the note escaped and delete behind a confirmation', async (t) => {
    const [answer] = await command('show jan kowalski');
    const text = blockText(answer.blocks);
    t.match(text, 'Prefers &lt;b&gt;phone&lt;/b&gt; calls');
    const del = buttons(answer.blocks).find((b) => b.action_id === 'contact_delete');
    t.equal(del?.value, `${jan.id}:${jan.version}`);
    t.ok(del?.confirm, 'delete asks for confirmation');
    const [missing] = await command('show Nobody Here');
    t.match(missing.text, 'No contact is named “Nobody Here”.');
    const [similar] = await command('show Kowalski');
    t.match(blockText(similar.blocks), /No contact is named “Kowalski”. Similar ones:[\s\S]*Jan Kowalski/);
  });

  t.test('an unknown word searches, and says how to use the command when nothing matches', async (t) => {
    const [answer] = await command('frobnicate');
    t.match(answer.text, 'No contact matches “frobnicate”.');
    t.match(answer.text, '/contact add [name]');
  });

  t.test('add opens the contact form at once, with the typed name', async (t) => {
    const opened = fake.calls('views.open').length;
    const res = await sendSigned(app, commandBody({ text: 'add Anna Zielińska', responseUrl: fake.responseUrl(), triggerId: 'trigger-add-1' }));
    t.equal(res.statusCode, 200);
    await idle();
    const [call] = fake.calls('views.open').slice(opened);
    t.equal(call.body.trigger_id, 'trigger-add-1');
    t.equal(call.body.view.callback_id, 'contact_add');
    const name = call.body.view.blocks.find((b: any) => b.block_id === 'name');
    t.equal(name.element.initial_value, 'Anna Zielińska');
    t.same(call.body.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id), ['name', 'senders', 'country', 'language', 'integrations', 'note']);
    const country = call.body.view.blocks.find((b: any) => b.block_id === 'country');
    t.ok(country.element.option_groups.every((g: any) => g.options.length <= 100), 'over 100 countries come in groups Slack accepts');
  });

  t.test('edit opens a loading modal at once, then fills it with the contact', async (t) => {
    const opened = fake.calls('views.open').length;
    await command('edit JAN KOWALSKI');
    const [open] = fake.calls('views.open').slice(opened);
    t.match(blockText(open.body.view.blocks), 'Loading…');
    const update = fake.calls('views.update').at(-1)!;
    t.match(update.body, { view_id: /^V\d+$/, hash: /^hash-\d+$/ }, 'the opened modal is the one updated');
    t.equal(update.body.view.callback_id, 'contact_edit');
    const value = (id: string) => update.body.view.blocks.find((b: any) => b.block_id === id)?.element;
    t.equal(value('name').initial_value, 'Jan Kowalski');
    t.equal(value('senders').initial_value, 'jan@kowalski.pl\njanek_k (allegro)');
    t.equal(value('country').initial_option.value, 'PL');
    t.same(value('integrations').initial_options.map((o: any) => o.value), [String(shop.id)]);
    t.match(JSON.parse(update.body.view.private_metadata), { contactId: jan.id, version: jan.version, locale: 'en' });
    const [missing] = await command('edit Nobody Here');
    t.match(missing.text, 'No contact is named “Nobody Here”.');
  });

  t.test('hostile text is answered in milliseconds, escaped', async (t) => {
    const started = performance.now();
    const [long] = await command(`find ${'a'.repeat(60_000)}@${'b'.repeat(65_000)}`);
    t.ok(performance.now() - started < 2000, 'answered quickly');
    t.match(long.text, 'The search text is too long.');
    const [html] = await command('find <script>alert(1)</script>\u0000\u202e');
    t.notMatch(html.text, '<script>');
    t.match(html.text, /No contact matches/);
  });

  t.test('users.info is asked once per user, then cached', async (t) => {
    const asked = () => fake.calls('users.info').filter((c) => c.body.user === 'U0CACHE').length;
    await command('help', { user: 'U0CACHE' });
    await command('help', { user: 'U0CACHE' });
    t.equal(asked(), 1);
  });

  t.test('a retried command (same trigger, X-Slack-Retry-Num) is answered once', async (t) => {
    const first = await command('find kowalski', { triggerId: 'trigger-retry-1' });
    const retry = await command('find kowalski', { triggerId: 'trigger-retry-1', headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    t.equal(first.length, 1);
    t.equal(retry.length, 0);
  });
});
