// The JSON API contract over HTTP: status codes, bodies and errors as integrations see them.
import t from 'tap';
import { testApp, apiAuth } from '../helpers/app.ts';
import { createApiToken, revokeApiToken } from '../../core/api-token.service.ts';

t.test('API', async (t) => {
  const { app, orm } = await testApp(t);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url: `/api/v1${url}`, payload: payload as never, headers: { ...apiAuth, ...headers } });
  const count = async (sql: string) => (await orm.em.fork().getConnection().execute(sql))[0].n as number;

  t.test('without a valid token nothing is served', async (t) => {
    for (const authorization of [undefined, 'Bearer wrong-token', 'Basic dXNlcjpwYXNz', 'Bearer ']) {
      const res = await app.inject({ url: '/api/v1/contacts', headers: authorization ? { authorization } : {} });
      t.equal(res.statusCode, 401, String(authorization));
      t.equal(res.json().error.code, 'unauthorized');
    }
    const write = await app.inject({ method: 'POST', url: '/api/v1/contacts', payload: { name: 'Intruder' } });
    t.equal(write.statusCode, 401);
    t.equal(await count('select count(*)::int as n from contact'), 0);
  });

  t.test('tokens created in the panel work until revoked', async (t) => {
    const { id, token } = await createApiToken(orm.em.fork(), 'Zapier', 'Admin');
    const stored = await orm.em.fork().getConnection().execute('select token_hash from api_token where id = ?', [id]);
    t.not(stored[0].token_hash, token, 'only a hash is stored');
    t.equal((await app.inject({ url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
    await revokeApiToken(orm.em.fork(), id);
    t.equal((await app.inject({ url: '/api/v1/contacts', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'revocation takes effect at once');
  });

  let contactId = 0;
  t.test('create, read, update and delete', async (t) => {
    const created = await call('POST', '/contacts', { name: 'Jan Kowalski', senders: [{ kind: 'email', value: 'Jan@Example.pl' }], country: 'PL' });
    t.equal(created.statusCode, 201);
    const body = created.json();
    contactId = body.id;
    t.match(body, { name: 'Jan Kowalski', senders: [{ kind: 'email', value: 'Jan@Example.pl', normalized: 'jan@example.pl', platform: null }], country: 'PL', language: null, integrations: [], note: null, version: 1 });
    t.equal(created.headers.location, `/api/v1/contacts/${contactId}`);

    t.equal((await call('GET', `/contacts/${contactId}`)).json().name, 'Jan Kowalski');
    const updated = await call('PATCH', `/contacts/${contactId}`, { version: 1, note: 'Prefers phone' });
    t.same([updated.statusCode, updated.json().note, updated.json().version], [200, 'Prefers phone', 2]);

    const stale = await call('PATCH', `/contacts/${contactId}`, { version: 1, note: 'Overwrite' });
    t.equal(stale.statusCode, 409);
    t.same([stale.json().error.code, stale.json().error.currentVersion], ['stale_version', 2]);
    t.match(stale.json().error.message, /changed meanwhile/);
  });

  t.test('conflicts are 409 and name the owner', async (t) => {
    const name = await call('POST', '/contacts', { name: 'JAN  kowalski' });
    t.equal(name.statusCode, 409);
    t.same(name.json().error.owner, { id: contactId, name: 'Jan Kowalski' });
    t.equal(name.json().error.code, 'name_taken');
    const sender = await call('POST', '/contacts', { name: 'Other', senders: [{ kind: 'email', value: 'JAN@example.PL' }] });
    t.same([sender.statusCode, sender.json().error.code, sender.json().error.owner], [409, 'sender_taken', { id: contactId, name: 'Jan Kowalski' }]);
    t.same(sender.json().error.fields, { 'senders.0.value': 'JAN@example.PL already belongs to Jan Kowalski.' }, 'as the caller typed it');
  });

  t.test('invalid input is 422 with a message per field, in the caller’s language', async (t) => {
    const res = await call('POST', '/contacts', { name: '', senders: [{ kind: 'fax', value: '1' }], country: 'Poland' });
    t.equal(res.statusCode, 422);
    t.same(res.json().error.fields, { name: 'Enter a name.', 'senders.0.kind': 'Choose e-mail, phone or nick.', country: 'Choose a country from the list.' });
    const pl = await call('POST', '/contacts', { name: '' }, { 'accept-language': 'pl-PL,pl;q=0.9' });
    t.same(pl.json().error.fields, { name: 'Podaj nazwę.' });
    const types = await call('POST', '/contacts', { name: 42, senders: 'none', integrations: [{}], note: ['x'] });
    t.equal(types.statusCode, 422);
    t.same(Object.keys(types.json().error.fields).sort(), ['integrations.0', 'name', 'note', 'senders']);
    const patch = await call('PATCH', `/contacts/${contactId}`, { note: 'no version' });
    t.same([patch.statusCode, Object.keys(patch.json().error.fields)], [422, ['version']]);
  });

  t.test('malformed requests get 4xx, never 500', async (t) => {
    const badJson = await app.inject({ method: 'POST', url: '/api/v1/contacts', payload: '{"name": ', headers: { ...apiAuth, 'content-type': 'application/json' } });
    t.same([badJson.statusCode, badJson.json().error.code], [400, 'bad_request']);
    const form = await app.inject({ method: 'POST', url: '/api/v1/contacts', payload: 'name=x', headers: { ...apiAuth, 'content-type': 'text/plain' } });
    t.equal(form.statusCode, 415);
    const huge = await call('POST', '/contacts', { name: 'x'.repeat(1024 * 1024 + 10) });
    t.same([huge.statusCode, huge.json().error.code], [413, 'payload_too_large']);
    t.equal((await call('GET', '/contacts/abc')).statusCode, 404);
    t.equal((await call('GET', '/contacts/99999999999999999999')).statusCode, 404);
    t.equal((await call('DELETE', '/contacts/0')).statusCode, 404);
    t.equal((await call('GET', '/nope')).statusCode, 404);
    const cursor = await call('GET', '/contacts?cursor=%00%FF');
    t.same([cursor.statusCode, Object.keys(cursor.json().error.fields)], [422, ['cursor']]);
    const array = await call('GET', '/contacts?q=a&q=b');
    t.equal(array.statusCode, 422, 'a repeated parameter is refused, not crashed on');
  });

  t.test('list, search and pages', async (t) => {
    for (const name of ['Anna Nowak', 'Zofia Żak', 'Łucja Ćwik']) t.equal((await call('POST', '/contacts', { name })).statusCode, 201);
    const first = await call('GET', '/contacts?sort=name&limit=2');
    t.same(first.json().items.map((c: { name: string }) => c.name), ['Anna Nowak', 'Jan Kowalski']);
    const second = await call('GET', `/contacts?sort=name&limit=2&cursor=${first.json().nextCursor}`);
    t.same(second.json().items.map((c: { name: string }) => c.name), ['Łucja Ćwik', 'Zofia Żak']);
    t.equal(second.json().nextCursor, null);
    t.same((await call('GET', '/contacts?q=zak')).json().items.map((c: { name: string }) => c.name), ['Zofia Żak']);
  });

  t.test('senders can be added, looked up and removed', async (t) => {
    const added = await call('POST', `/contacts/${contactId}/senders`, { kind: 'handle', value: 'janek', platform: 'allegro' });
    t.equal(added.statusCode, 201);
    const handle = added.json().senders.find((s: { kind: string }) => s.kind === 'handle');
    t.equal((await call('GET', '/lookup?kind=handle&value=JANEK&platform=allegro')).json().id, contactId);
    t.equal((await call('GET', '/lookup?kind=handle&value=janek&platform=ebay')).statusCode, 404);
    t.equal((await call('GET', '/lookup?kind=phone&value=xyz')).statusCode, 422);
    const removed = await call('DELETE', `/contacts/${contactId}/senders/${handle.id}`);
    t.same(removed.json().senders.map((s: { kind: string }) => s.kind), ['email']);
  });

  t.test('quick-add creates once; the owner is named afterwards', async (t) => {
    const first = await call('POST', '/quick-add', { requester: { kind: 'email', value: 'Buyer@Shop.pl', displayName: 'Kupujący Nowy' }, source: { url: 'https://t.slack.com/archives/C1/p1' } });
    t.equal(first.statusCode, 201);
    t.match(first.json(), { created: true, contact: { name: 'Kupujący Nowy', senders: [{ normalized: 'buyer@shop.pl', sourceUrl: 'https://t.slack.com/archives/C1/p1' }] } });
    const again = await call('POST', '/quick-add', { requester: { kind: 'email', value: 'buyer@SHOP.pl' } });
    t.same([again.statusCode, again.json().error.code, again.json().error.owner.name], [409, 'sender_taken', 'Kupujący Nowy']);
    const none = await call('POST', '/quick-add', { requester: { kind: 'handle', value: 'nick' } });
    t.same([none.statusCode, Object.keys(none.json().error.fields)], [422, ['requester.platform']]);
    t.equal((await call('POST', '/quick-add', {})).statusCode, 422);
  });

  t.test('50 concurrent quick-adds over HTTP make one contact and name one owner', async (t) => {
    const variants = ['race@example.org', 'RACE@example.org', 'Race@Example.Org'];
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call('POST', '/quick-add', { requester: { kind: 'email', value: variants[i % 3], displayName: 'Race Winner' } })),
    );
    const statuses = responses.map((r) => r.statusCode);
    t.equal(statuses.filter((s) => s === 201).length, 1);
    t.equal(statuses.filter((s) => s === 409).length, 49);
    const ids = new Set(responses.map((r) => (r.statusCode === 201 ? r.json().contact.id : r.json().error.owner.id)));
    t.equal(ids.size, 1, 'every caller was told the same contact');
    t.equal(await count("select count(*)::int as n from contact where name like 'Race Winner%'"), 1);
  });

  t.test('delete is permanent', async (t) => {
    t.equal((await call('DELETE', `/contacts/${contactId}`)).statusCode, 204);
    t.equal((await call('GET', `/contacts/${contactId}`)).statusCode, 404);
    t.equal((await call('DELETE', `/contacts/${contactId}`)).statusCode, 404);
  });

  t.test('integrations and the OpenAPI document', async (t) => {
    t.same((await call('GET', '/integrations')).json(), { items: [] });
    const doc = await app.inject({ url: '/api/v1/openapi.json' });
    t.equal(doc.statusCode, 200);
    const spec = doc.json();
    t.equal(spec.openapi, '3.0.3');
    t.ok(spec.paths['/contacts'].post && spec.paths['/quick-add'].post);
    t.same(spec.components.schemas.ContactInput.required, ['name'], 'generated from the zod schema the core validates with');
  });
});
