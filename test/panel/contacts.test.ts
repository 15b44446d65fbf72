// The contact pages through app.inject: list, search fragments, paging, forms and their errors, details, delete.
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { signedIn, htmx } from './client.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { actor } from '../../core/actor.ts';
import { AuditEvent, Contact } from '../../core/entities/index.ts';

const system = actor('api', 'test', 'Test Setup');

t.test('contact pages', async (t) => {
  const { app, orm } = await testApp(t);
  const em = () => orm.em.fork();
  const client = await signedIn(app, em(), 'agent');

  await t.test('an empty list says what to do', async (t) => {
    const page = await client.get('/contacts');
    t.equal(page.statusCode, 200);
    t.match(page.body, /No contacts yet/);
    t.match(page.body, /href="\/contacts\/new"/);
    t.equal((await client.get('/')).headers.location, '/contacts');
  });

  const shop = await createIntegration(em(), { platform: 'allegro', label: 'Main shop' });
  const jan = await createContact(em(), {
    name: 'Jan Kowalski',
    senders: [{ kind: 'email', value: 'jan@example.com' }, { kind: 'phone', value: '+48 600 123 456' }, { kind: 'handle', value: 'janek', platform: 'allegro' }],
    country: 'PL',
    language: 'pl',
    integrations: [shop.id],
    note: 'Prefers phone calls',
  }, system, { sourceUrl: 'https://team.slack.com/archives/C1/p123' });
  const hostile = await createContact(em(), { name: '<script>alert(1)</script><b hx-get="/x">Eve</b>', note: '<img src=x onerror=alert(1)>', senders: [{ kind: 'handle', value: '"><svg onload=alert(1)>', platform: 'ebay' }] }, system);

  await t.test('the list shows every column, localized', async (t) => {
    const page = await client.get('/contacts', { 'accept-language': 'en' });
    t.match(page.body, /Jan Kowalski/);
    t.match(page.body, /jan@example\.com/);
    t.match(page.body, /\+48 600 123 456/);
    t.match(page.body, /janek <span class="tag">Allegro<\/span>/);
    t.match(page.body, /<td data-label="Country">Poland<\/td>/);
    t.match(page.body, /<td data-label="Language">Polish<\/td>/);
    t.match(page.body, /Allegro — Main shop/);
    t.match(page.body, new RegExp(`href="mailto:jan@example.com"`), 'new ticket is a mailto: link without SMTP');
    const polish = await client.get('/contacts', { 'accept-language': 'pl-PL,pl;q=0.9' });
    t.match(polish.body, /<td data-label="Kraj">Polska<\/td>/, 'Polish names from Accept-Language');
    t.match(polish.body, /<td data-label="Język">polski<\/td>/);
    t.match(polish.body, /Nowy kontakt/);
  });

  await t.test('hostile names and notes render as text', async (t) => {
    const list = await client.get('/contacts');
    t.notMatch(list.body, /<script>alert/);
    t.notMatch(list.body, /<b hx-get/);
    t.match(list.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;b hx-get=&quot;\/x&quot;&gt;Eve&lt;\/b&gt;/);
    t.notMatch(list.body, /<svg onload/);
    const details = await client.get(`/contacts/${hostile.id}`);
    t.notMatch(details.body, /<img src=x/);
    t.match(details.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
    t.notMatch(details.body, /<script>alert/);
    const form = await client.get(`/contacts/${hostile.id}/edit`);
    t.match(form.body, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;&lt;b hx-get=&quot;\/x&quot;&gt;Eve&lt;\/b&gt;"/);
    t.match(form.body, /value="&quot;&gt;&lt;svg onload=alert\(1\)&gt;"/);
  });

  await t.test('search: a whole page, or only the results for htmx', async (t) => {
    const full = await client.get('/contacts?q=kowal');
    t.match(full.body, /<!doctype html>/);
    t.match(full.body, /value="kowal"/, 'the search box keeps the query');
    t.match(full.body, /Jan Kowalski/);
    t.notMatch(full.body, /Eve/);
    const partial = await client.get('/contacts?q=600%20123&name=&country=', htmx('div#results'));
    t.notMatch(partial.body, /<!doctype html>|<header/, 'a fragment, not a page');
    t.match(partial.body, /<table class="contacts">/);
    t.match(partial.body, /Jan Kowalski/);
    t.equal(partial.headers['hx-push-url'], '/contacts?q=600+123', 'the URL to push keeps only what is set');
    t.match(partial.headers.vary, /HX-Request/);
    const none = await client.get('/contacts?q=nobody-like-this', htmx('div#results'));
    t.match(none.body, /No contacts match/);
    const filtered = await client.get('/contacts?country=PL&language=pl&integration=' + shop.id);
    t.match(filtered.body, /Jan Kowalski/);
    t.notMatch(filtered.body, /Eve/);
    const byEmail = await client.get('/contacts?email=jan%40');
    t.match(byEmail.body, /Jan Kowalski/);
    const badCursor = await client.get('/contacts?cursor=garbage');
    t.equal(badCursor.statusCode, 200);
    t.match(badCursor.body, /This page link is not valid any more/);
  });

  await t.test('keyset paging with "load more"', async (t) => {
    const fork = em();
    for (let i = 0; i < 55; i++) {
      await createContact(fork, { name: `Paged ${String(i).padStart(2, '0')}`, senders: [] }, system);
    }
    const first = await client.get('/contacts?q=paged');
    const rows = (body: string) => (body.match(/<tr id="contact-\d+">/gu) ?? []).length;
    t.equal(rows(first.body), 50);
    const more = /<tr id="load-more"[\s\S]*?href="([^"]+)"/u.exec(first.body)?.[1]?.replace(/&amp;/gu, '&') ?? '';
    t.match(more, /^\/contacts\?q=paged&cursor=/);
    const next = await client.get(more, htmx('tr#load-more'));
    t.equal(rows(next.body), 5);
    t.match(next.body, /Paged 54/);
    t.notMatch(next.body, /Paged 49/, 'no row twice');
    t.notMatch(next.body, /load-more/, 'the last page has no "load more"');
    t.notMatch(next.body, /<table/);
    t.equal(next.headers['hx-push-url'], more, 'the position goes into the URL');
    const sorted = await client.get('/contacts?q=paged&sort=-name');
    t.ok(sorted.body.indexOf('Paged 54') < sorted.body.indexOf('Paged 53'), 'sort by name descending');
  });

  await t.test('past the candidate cap, the list says to refine the search', async (t) => {
    // 2,001 matching rows straight in SQL: through the service this would take a minute.
    await orm.em.getConnection().execute(`
      insert into contact (name, name_key, name_folded, sort_key, search_text, created_at, updated_at, created_via, created_by_id, created_by_name, version)
      select 'Capped ' || g, 'capped ' || g, 'capped ' || g, 'capped ' || g, 'capped ' || g, now(), now(), 'import', 'seed', 'Seed', 1
        from generate_series(1, 2001) g`);
    const page = await client.get('/contacts?q=capped', htmx('div#results'));
    t.match(page.body, /More than 2000 contacts match; showing the first 2000 found. Refine your search./);
    t.equal((page.body.match(/<tr id="contact-\d+">/gu) ?? []).length, 50);
    const narrow = await client.get('/contacts?q=capped%20200', htmx('div#results'));
    t.notMatch(narrow.body, /Refine your search/);
    await orm.em.getConnection().execute(`delete from contact where name_key like 'capped %'`);
  });

  await t.test('create: validation errors come back with everything typed', async (t) => {
    const form = await client.get('/contacts/new');
    t.match(form.body, /<form id="contact-form"/);
    t.match(form.body, /<label for="name">Name<\/label>/);
    const bad = await client.post('/contacts', {
      name: '  ',
      senderKind: ['email', 'phone', 'handle'],
      senderValue: ['not-an-email', '123', 'nick'],
      senderPlatform: ['', '', ''],
      country: 'XX',
      note: 'Typed note',
    });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, /Enter a name/);
    t.match(bad.body, /This is not a valid e-mail address/);
    t.match(bad.body, /This is not a valid phone number/);
    t.match(bad.body, /Choose the platform of this nick/);
    t.match(bad.body, /value="not-an-email"/);
    t.match(bad.body, /value="nick"/);
    t.match(bad.body, />Typed note<\/textarea>/);
    t.match(bad.body, /<!doctype html>/, 'a whole page for a plain form post');
    const fragment = await client.post('/contacts', { name: '', senderKind: 'email', senderValue: 'x@' }, { headers: htmx('form#contact-form') });
    t.equal(fragment.statusCode, 422);
    t.match(fragment.body, /^\s*<form id="contact-form"/, 'only the form for htmx, which swaps 422 answers');
  });

  await t.test('create: a taken name or sender names its owner with a link', async (t) => {
    const name = await client.post('/contacts', { name: 'jan  KOWALSKI', senderKind: 'email', senderValue: 'other@example.com', note: 'keep me' });
    t.equal(name.statusCode, 409);
    t.match(name.body, /A contact named “Jan Kowalski” already exists/);
    t.match(name.body, new RegExp(`<a href="/contacts/${jan.id}">Open Jan Kowalski</a>`));
    t.match(name.body, /keep me/);
    const sender = await client.post('/contacts', { name: 'Someone Else', senderKind: ['email', 'email'], senderValue: ['new@example.com', 'JAN@example.com'] });
    t.equal(sender.statusCode, 409);
    t.match(sender.body, /JAN@example.com already belongs to Jan Kowalski/);
    t.match(sender.body, /id="sender-value-1-error"/, 'next to the second row');
    t.match(sender.body, new RegExp(`<a href="/contacts/${jan.id}">Open Jan Kowalski</a>`));
    const check = await client.get('/contacts/check-name?name=JAN%20kowalski');
    t.match(check.body, /A contact named “Jan Kowalski” already exists/);
    t.match(check.body, new RegExp(`/contacts/${jan.id}`));
    const own = await client.get(`/contacts/check-name?name=Jan%20Kowalski&except=${jan.id}`);
    t.equal(own.body.trim(), '', 'the contact being edited may keep its name');
  });

  let createdId = 0;
  await t.test('create: saved, with a redirect to the details', async (t) => {
    const saved = await client.post('/contacts', {
      name: 'Anna Nowak',
      senderKind: ['email', 'handle', 'email'],
      senderValue: ['anna@example.com', '@anna_n', ''],
      senderPlatform: ['', 'Allegro', ''],
      country: 'DE',
      language: 'de',
      integrations: String(shop.id),
      note: 'VIP',
    });
    t.equal(saved.statusCode, 303);
    createdId = Number(/\/contacts\/(\d+)$/u.exec(String(saved.headers.location))?.[1]);
    const details = await client.get(String(saved.headers.location));
    t.match(details.body, /Anna Nowak has been added/);
    t.match(details.body, /anna@example\.com/);
    t.match(details.body, /anna_n <span class="tag">Allegro<\/span>/);
    t.match(details.body, /Germany/);
    t.match(details.body, /German/);
    t.match(details.body, /Created/);
    t.match(details.body, /Aga Agent \(panel\)/, 'the history says who, through what');
    const janDetails = await client.get(`/contacts/${jan.id}`);
    t.match(janDetails.body, /href="https:\/\/team\.slack\.com\/archives\/C1\/p123"[^>]*>Slack message/);
    t.match(janDetails.body, /Prefers phone calls/);
  });

  await t.test('no-JS sender rows: add and remove by submitting the form', async (t) => {
    const added = await client.post('/contacts', { name: 'Rows', senderKind: 'email', senderValue: 'rows@example.com', _action: 'addSender' });
    t.equal(added.statusCode, 200);
    t.equal((added.body.match(/class="sender-row/gu) ?? []).length, 2);
    const removed = await client.post('/contacts', { name: 'Rows', senderKind: ['email', 'phone'], senderValue: ['rows@example.com', '600 100 200'], _action: 'remove:0' });
    t.equal((removed.body.match(/class="sender-row/gu) ?? []).length, 1);
    t.match(removed.body, /value="600 100 200"/);
    t.equal(await em().count(Contact, { name: 'Rows' }), 0, 'nothing saved');
    const row = await client.get('/contacts/sender-row', htmx('div#sender-rows'));
    t.match(row.body, /^\s*<div class="sender-row">/);
    t.match(row.body, /name="senderValue"/);
  });

  await t.test('edit: saved; a stale version says the contact changed meanwhile', async (t) => {
    const form = await client.get(`/contacts/${createdId}/edit`);
    t.match(form.body, /name="version" value="1"/);
    t.match(form.body, /value="Anna Nowak"/);
    const saved = await client.post(`/contacts/${createdId}/edit`, {
      version: '1', name: 'Anna Nowak-Kowalska', senderKind: 'email', senderValue: 'anna@example.com', country: 'DE', language: 'de', note: 'VIP',
    }, { headers: htmx('form#contact-form') });
    t.equal(saved.statusCode, 204);
    t.equal(saved.headers['hx-location'], `/contacts/${createdId}`);
    const stale = await client.post(`/contacts/${createdId}/edit`, { version: '1', name: 'Old Tab Name', note: 'typed in an old tab' });
    t.equal(stale.statusCode, 409);
    t.match(stale.body, /This contact was changed meanwhile/);
    t.match(stale.body, new RegExp(`href="/contacts/${createdId}/edit">Reload the contact`));
    t.match(stale.body, /value="Old Tab Name"/);
    t.match(stale.body, /typed in an old tab/);
    const details = await client.get(`/contacts/${createdId}`);
    t.match(details.body, /Anna Nowak-Kowalska/);
    t.match(details.body, /<del>Anna Nowak<\/del>/, 'the history shows before and after');
    t.match(details.body, /anna_n \(Allegro\)/, 'a removed sender shows in the history');
  });

  await t.test('delete: confirm page without JS, in place with htmx', async (t) => {
    const confirm = await client.get(`/contacts/${createdId}/delete`);
    t.match(confirm.body, /Delete Anna Nowak-Kowalska\?/);
    t.equal(await em().count(Contact, { id: createdId }), 1, 'GET changes nothing');
    const list = await client.get('/contacts?q=anna');
    t.match(list.body, new RegExp(`hx-post="/contacts/${createdId}/delete" hx-target="closest tr" hx-swap="outerHTML" hx-confirm="Delete Anna Nowak-Kowalska\\? This cannot be undone\\."`));
    const deleted = await client.post(`/contacts/${createdId}/delete`, {}, { headers: htmx(`tr#contact-${createdId}`) });
    t.equal(deleted.statusCode, 200);
    t.equal(deleted.body, '', 'an empty answer replaces the row');
    t.equal(await em().count(Contact, { id: createdId }), 0);
    t.equal(await em().count(AuditEvent, { contactId: createdId, action: 'deleted' }), 1);
    const plain = await client.post(`/contacts/${hostile.id}/delete`);
    t.equal(plain.statusCode, 303);
    t.equal(plain.headers.location, '/contacts');
    const gone = await client.get(`/contacts/${hostile.id}`);
    t.equal(gone.statusCode, 404);
    t.match(gone.body, /Not found/);
  });

  await t.test('unknown pages and ids are friendly 404s', async (t) => {
    for (const url of ['/contacts/999999', '/contacts/abc', '/contacts/0/edit', '/nowhere']) {
      const page = await client.get(url);
      t.equal(page.statusCode, 404, url);
      t.match(page.body, /Back to contacts/);
      t.notMatch(page.body, /at .*\.ts:\d+/, 'no stack trace');
    }
  });
});
