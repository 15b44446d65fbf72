// Hostile input on every API route: always a 4xx with a clear message (413 for size), never a 5xx or a stack
// trace, and the database untouched by whatever was refused.
import t from 'tap';
import fc from 'fast-check';
import { testApp, apiAuth } from '../helpers/app.ts';
import { HOSTILE_TEXT } from '../helpers/hostile.ts';

const HOSTILE_STRINGS = [
  'x'.repeat(1024 * 1024 - 100),
  ...HOSTILE_TEXT,
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)> hx-get="/admin" hx-trigger="load"',
];
const HOSTILE_VALUES: unknown[] = [...HOSTILE_STRINGS, null, true, 0, -1, 1e308, [], {}, [{}], { $gt: '' }, ['a', 'b']];

t.test('API fuzzing', async (t) => {
  const { app, orm } = await testApp(t);
  const seeded = await app.inject({ method: 'POST', url: '/api/v1/contacts', headers: apiAuth, payload: { name: 'Seed Contact', senders: [{ kind: 'email', value: 'seed@example.com' }] } });
  const seedId = seeded.json().id as number;
  const snapshot = async () =>
    JSON.stringify(await orm.em.fork().getConnection().execute(
      `select c.id, c.name, c.version, c.note, c.country, (select string_agg(s.normalized, ',' order by s.id) from sender s where s.contact_id = c.id) as senders
         from contact c order by c.id`,
    ));

  /** Sends one request and checks it is answered like a product would; returns the status. */
  const probe = async (t: { fail(message: string): void }, method: string, url: string, payload?: string | Buffer, contentType = 'application/json') => {
    const before = await snapshot();
    const res = await app.inject({ method: method as 'GET', url, payload, headers: { ...apiAuth, ...(payload !== undefined ? { 'content-type': contentType } : {}) } });
    const label = `${method} ${url.slice(0, 80)} ${String(payload ?? '').slice(0, 60)}`;
    if (res.statusCode >= 500) t.fail(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (/\n\s+at /u.test(res.body)) t.fail(`${label} leaked a stack trace`);
    if (res.statusCode >= 400) {
      const error = res.json().error;
      if (!error || typeof error.message !== 'string' || !error.message) t.fail(`${label} → ${res.statusCode} without a message`);
      if ((await snapshot()) !== before) t.fail(`${label} was refused but changed the database`);
    }
    return res.statusCode;
  };

  t.test('hostile values in every field of every write', async (t) => {
    const statuses = new Map<number, number>();
    const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    for (const value of HOSTILE_VALUES) {
      const bodies: [string, string, unknown][] = [
        ['POST', '/api/v1/contacts', { name: value }],
        ['POST', '/api/v1/contacts', { name: 'Fuzz', senders: [{ kind: 'email', value }] }],
        ['POST', '/api/v1/contacts', { name: 'Fuzz', senders: [{ kind: 'phone', value }] }],
        ['POST', '/api/v1/contacts', { name: 'Fuzz', senders: [{ kind: 'handle', value: 'nick', platform: value }] }],
        ['POST', '/api/v1/contacts', { name: 'Fuzz', country: value, language: value, integrations: value, note: value }],
        ['POST', '/api/v1/contacts', { name: 'Fuzz', unexpected: value }],
        ['PATCH', `/api/v1/contacts/${seedId}`, { version: value, name: 'Renamed' }],
        ['PATCH', `/api/v1/contacts/${seedId}`, { version: 1, senders: value }],
        ['POST', `/api/v1/contacts/${seedId}/senders`, { kind: value, value }],
        ['POST', '/api/v1/quick-add', { requester: { kind: 'email', value, displayName: value } }],
        ['POST', '/api/v1/quick-add', { requester: value, source: value }],
      ];
      for (const [method, url, body] of bodies) {
        const status = await probe(t, method, url, JSON.stringify(body));
        count(status);
        // Whatever was accepted is removed again so the next probe starts from the same state.
        if (status === 201 && url === '/api/v1/contacts') await orm.em.fork().getConnection().execute("delete from contact where id <> ?", [seedId]);
        if (status === 201 && url === '/api/v1/quick-add') await orm.em.fork().getConnection().execute("delete from contact where id <> ?", [seedId]);
      }
    }
    t.ok(!statuses.has(500), `statuses seen: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });

  t.test('hostile query strings, ids, cursors and page sizes', async (t) => {
    const params = ['q', 'name', 'email', 'phone', 'country', 'language', 'integration', 'sort', 'limit', 'cursor'];
    for (const value of HOSTILE_STRINGS.filter((s) => s.length < 5000 && !/[\ud800-\udfff]/u.test(s))) {
      for (const param of params) await probe(t, 'GET', `/api/v1/contacts?${param}=${encodeURIComponent(value)}`);
    }
    for (const id of ['-1', '0', '1e3', '99999999999999999999', '%00', 'null', '..%2F..%2Fetc', `${seedId}%20OR%201=1`]) {
      await probe(t, 'GET', `/api/v1/contacts/${id}`);
      await probe(t, 'DELETE', `/api/v1/contacts/${id}`);
    }
    for (const raw of ['%FF%FE', '%C0%AF', '%ED%A0%80', 'q=%00']) await probe(t, 'GET', `/api/v1/contacts?q=${raw}`);
    t.pass('probed');
  });

  t.test('broken bodies: invalid UTF-8, wrong content types, nesting, oversized', async (t) => {
    t.equal(await probe(t, 'POST', '/api/v1/contacts', Buffer.from('{"name":"\xff\xfe"}', 'latin1')), 400, 'invalid UTF-8 is refused');
    t.equal(await probe(t, 'POST', '/api/v1/contacts', 'name=Form', 'application/x-www-form-urlencoded'), 415);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', '<contact/>', 'application/xml'), 415);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', '[1,2,3]'), 422);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', '"just a string"'), 422);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', '{"name": "a", "name": 5}'), 422);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', `{"name":${'['.repeat(5000)}${']'.repeat(5000)}}`), 422);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', '{"__proto__": {"admin": true}, "name": "Proto"}'), 400);
    t.equal(await probe(t, 'POST', '/api/v1/contacts', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })), 413);
    t.equal(await probe(t, 'PATCH', `/api/v1/contacts/${seedId}`, ''), 400);
  });

  t.test('random JSON documents', async (t) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.constantFrom('/api/v1/contacts', '/api/v1/quick-add', `/api/v1/contacts/${seedId}/senders`), async (value, url) => {
        const status = await probe(t, 'POST', url, JSON.stringify(value));
        if (status === 201) await orm.em.fork().getConnection().execute('delete from contact where id <> ?', [seedId]);
        return status < 500;
      }),
      { numRuns: 150 },
    );
    t.equal((await app.inject({ url: `/api/v1/contacts/${seedId}`, headers: apiAuth })).statusCode, 200, 'the seed contact is still there');
  });
});
