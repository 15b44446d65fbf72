// Hostile input on every panel form and page: a 4xx page or the form again with the error and what was typed
// (413 for size), never a 5xx or a stack trace, every hostile value escaped, the database untouched by refusals.
import t from 'tap';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { testApp } from '../helpers/app.ts';
import { PanelClient, signedIn, htmx, PASSWORD } from './client.ts';
import { createUser } from '../../core/user.service.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { createApiToken } from '../../core/api-token.service.ts';
import { actor } from '../../core/actor.ts';
import { HOSTILE_TEXT } from '../helpers/hostile.ts';

const FORM = 'application/x-www-form-urlencoded';

type Fails = { fail(message: string): void };

// Values that would run or add attributes if they reached the HTML unescaped.
const INJECTIONS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  `' hx-get="/evil" hx-trigger="load" x='`,
  '</textarea><script>alert(2)</script>',
];
/** What an injection looks like when it was not escaped. */
const UNESCAPED = [/<script>alert/u, /<img src=x/u, /hx-get="\/evil"/u, /hx-trigger="load"/u];

const HOSTILE = [
  ...INJECTIONS,
  'x'.repeat(200 * 1024), // under the form limit, so it reaches the handlers
  ...HOSTILE_TEXT,
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
const short = (s: unknown) => JSON.stringify(String(s).slice(0, 50));

/** A form body as a browser encodes it; arrays repeat the field. */
function form(fields: Record<string, unknown>): string {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) body.append(key, String(item));
  return body.toString();
}

t.test('panel fuzzing', async (t) => {
  const { app, orm } = await testApp(t);
  const db = () => orm.em.fork();
  const system = actor('api', 'seed', 'Seed');
  const admin = await signedIn(app, db(), 'admin');
  const csrf = await admin.csrfToken();
  const agent = await createUser(db(), { email: 'agent@example.com', name: 'Aga Agent', password: PASSWORD, role: 'agent' });
  const seed = await createContact(db(), { name: 'Seed Contact', senders: [{ kind: 'email', value: 'seed@example.com' }] }, system);
  const shop = await createIntegration(db(), { platform: 'allegro', label: 'Main shop' });
  await createApiToken(db(), 'Seed token', 'Ada Admin');

  const sql = (query: string, params: unknown[] = []) => db().getConnection().execute(query, params);
  const tables = ((await sql("select tablename from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm%' order by 1")) as { tablename: string }[]).map((r) => r.tablename);
  // Every table in one statement: cheap enough to take before and after each probe.
  const snapshotQuery = `select ${tables.map((table) => `(select json_agg(to_jsonb(r) order by to_jsonb(r)::text) from "${table}" r) as "${table}"`).join(', ')}`;
  const snapshot = async () => JSON.stringify(await sql(snapshotQuery));
  const maxIds = Object.fromEntries(
    await Promise.all(['contact', 'integration_account', 'app_user', 'api_token', 'audit_event'].map(async (table) => [table, Number((await sql(`select coalesce(max(id), 0) as m from "${table}"`))[0].m)])),
  );
  /** Removes whatever an accepted probe added, so every probe starts from the same rows. */
  const removeAdded = async () => {
    for (const [table, max] of Object.entries(maxIds)) await sql(`delete from "${table}" where id > ?`, [max]);
  };

  const send = (method: string, url: string, payload?: string | Buffer, contentType = FORM, headers: Record<string, string> = {}) =>
    app.inject({
      method: method as 'POST',
      url,
      payload,
      headers: { cookie: admin.cookie, 'x-csrf-token': csrf, ...(payload !== undefined ? { 'content-type': contentType } : {}), ...headers },
    });

  /** What every answer must be: no 5xx, no stack trace, nothing unescaped, and a clear message when refused. */
  const check = (t: Fails, label: string, res: LightMyRequestResponse, echo?: string, routerLevel = false) => {
    if (res.statusCode >= 500) t.fail(`${label} → ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (/\n\s+at .+:\d+:\d+/u.test(res.body)) t.fail(`${label} leaked a stack trace`);
    for (const pattern of UNESCAPED) if (pattern.test(res.body)) t.fail(`${label} answered ${pattern} unescaped`);
    for (const header of ['location', 'hx-location', 'hx-push-url']) {
      // A redirect target is an encoded URL: printable ASCII, no spaces or control characters.
      if (/[^\x21-\x7e]/u.test(String(res.headers[header] ?? ''))) t.fail(`${label} put raw text into ${header}: ${short(res.headers[header])}`);
    }
    if (res.statusCode >= 400 && routerLevel && /json/u.test(String(res.headers['content-type']))) {
      // A path the router cannot decode never reaches the panel: the server answers it with a JSON message.
      if (typeof res.json().error?.message !== 'string') t.fail(`${label} → ${res.statusCode} without a message`);
    } else if (res.statusCode >= 400) {
      if (!/text\/html/u.test(String(res.headers['content-type']))) t.fail(`${label} → ${res.statusCode} is not a page: ${res.headers['content-type']}`);
      // Either the form again with its problems, or the error page with a sentence.
      const clear = /role="alert"|class="error-text|<h1>[^<]+<\/h1>\s*<p>[^<]{10,}<\/p>/u.test(res.body);
      if (!clear) t.fail(`${label} → ${res.statusCode} without a clear message`);
      if (echo !== undefined && (res.statusCode === 409 || res.statusCode === 422) && !res.body.includes(escapeHtml(echo))) t.fail(`${label}: what was typed did not come back`);
    }
  };

  /** Sends one request, checks the answer, and that a refused request changed nothing; returns the answer. */
  const probe = async (t: Fails, method: string, url: string, payload?: string | Buffer, options: { contentType?: string; headers?: Record<string, string>; echo?: string; routerLevel?: boolean } = {}) => {
    const before = await snapshot();
    const res = await send(method, url, payload, options.contentType, options.headers);
    const label = `${method} ${url.slice(0, 80)} ${String(payload ?? '').slice(0, 60)}`;
    check(t, label, res, options.echo, options.routerLevel);
    if (res.statusCode >= 400 && (await snapshot()) !== before) t.fail(`${label} was refused but changed the database`);
    return res;
  };

  t.test('hostile values in every field of every form', async (t) => {
    const statuses = new Map<number, number>();
    for (const value of HOSTILE) {
      // Echo checks only for what a form keeps as typed (short enough, and encodable as it was).
      const typed = value.length < 1000 && !/[\ud800-\udfff\u0000]/u.test(value) ? value : undefined;
      const version = Number((await sql('select version from contact where id = ?', [seed.id]))[0]?.version ?? 1);
      const forms: [string, Record<string, unknown>, string | undefined][] = [
        ['/contacts', { name: value, senderKind: 'email', senderValue: 'fuzz@example.com' }, typed],
        ['/contacts', { name: 'Fuzz', senderKind: ['email', 'phone', 'handle'], senderValue: [value, value, value], senderPlatform: ['', '', value] }, undefined],
        ['/contacts', { name: 'Fuzz', senderKind: value, senderValue: 'x@example.com', country: value, language: value, integrations: [value, '-1'], note: value }, undefined],
        ['/contacts', { name: seed.name, senderKind: 'email', senderValue: 'seed@example.com', note: value }, undefined],
        ['/contacts', { name: 'Fuzz', _action: value, unknown: value, _method: 'DELETE' }, undefined],
        // Edits keep the seed's e-mail, so the new-ticket form below still has an address to offer.
        [`/contacts/${seed.id}/edit`, { version: value, name: 'Renamed', senderKind: 'email', senderValue: 'seed@example.com' }, undefined],
        [`/contacts/${seed.id}/edit`, { version, name: value, senderKind: 'email', senderValue: 'seed@example.com' }, typed],
        [`/contacts/${seed.id}/ticket`, { to: value, subject: value, message: value }, undefined],
        ['/account/password', { current: value, password: value }, undefined],
        ['/account/locale', { locale: value, next: value }, undefined],
        ['/account/locale', { locale: 'en', next: `/${value}` }, undefined],
        ['/admin/integrations', { platform: value, label: value }, undefined],
        [`/admin/integrations/${shop.id}/rename`, { label: value }, undefined],
        ['/admin/users', { email: value, name: value, role: value }, undefined],
        ['/admin/users', { email: 'new.person@example.com', name: value, role: 'agent' }, undefined],
        ['/admin/tokens', { name: value }, undefined],
      ];
      for (const [url, fields, echo] of forms) {
        // The contact forms also answer htmx with a fragment: both ways are probed there.
        for (const headers of url.startsWith('/contacts') ? [{}, htmx('form#contact-form')] : [{}]) {
          const res = await probe(t, 'POST', url, form(fields), { headers, echo });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode < 400) await removeAdded();
        }
      }
    }
    t.ok(![...statuses.keys()].some((s) => s >= 500), `statuses seen: ${JSON.stringify(Object.fromEntries(statuses))}`);
  });

  t.test('a hostile "next" after signing in or changing the language goes to a page of this site', async (t) => {
    for (const next of ['/nul\u0000byte', '/\u202eevil', '/żółć', '/a b', '//evil.example', '/\\evil.example', 'https://evil.example/']) {
      const signIn = await new PanelClient(app).post('/login', { email: 'agent@example.com', password: PASSWORD, next });
      check(t, `login next ${short(next)}`, signIn);
      t.equal(signIn.headers.location, '/contacts', `login with next ${short(next)}`);
      const locale = await probe(t, 'POST', '/account/locale', form({ locale: 'en', next }));
      t.equal(locale.headers.location, '/contacts', `language with next ${short(next)}`);
    }
  });

  t.test('the contact form keeps what was typed when it comes back with errors', async (t) => {
    const injection = INJECTIONS[3] as string;
    const res = await probe(t, 'POST', '/contacts', form({ name: injection, senderKind: 'email', senderValue: injection, note: injection }), { echo: injection });
    t.equal(res.statusCode, 422, 'an invalid e-mail is refused');
    t.match(res.body, /This is not a valid e-mail address/);
    t.ok(res.body.includes(`value="${escapeHtml(injection)}"`), 'the name and the sender are back, escaped');
    t.ok(res.body.includes(`>${escapeHtml(injection)}</textarea>`), 'the note is back, escaped');
  });

  t.test('hostile ids, query strings, filters, cursors', async (t) => {
    const params = ['q', 'name', 'email', 'phone', 'country', 'language', 'integration', 'sort', 'cursor'];
    for (const value of HOSTILE.filter((s) => s.length < 5000 && !/[\ud800-\udfff]/u.test(s))) {
      for (const param of params) {
        const url = `/contacts?${param}=${encodeURIComponent(value)}`;
        check(t, url, await send('GET', url));
        check(t, `${url} (htmx)`, await send('GET', url, undefined, FORM, htmx('div#results')));
        check(t, `${url} (load more)`, await send('GET', url, undefined, FORM, htmx('tr#load-more')));
      }
      check(t, 'check-name', await send('GET', `/contacts/check-name?name=${encodeURIComponent(value)}&except=${encodeURIComponent(value)}`));
      check(t, 'login next', await new PanelClient(app).get(`/login?next=${encodeURIComponent(value)}`));
    }
    // A cursor that decodes but lies, and one that is far too long.
    for (const cursor of ['eyJuIjoiPHNjcmlwdD4ifQ', Buffer.from('{"n":"<script>alert(1)</script>","i":-1}').toString('base64url'), 'A'.repeat(100_000), '-1', '1e309']) {
      check(t, `cursor ${cursor.slice(0, 30)}`, await send('GET', `/contacts?cursor=${cursor}`));
    }
    for (const raw of ['%FF%FE', '%C0%AF', '%ED%A0%80', '%00', '%', '%%%', 'a[b]=c', 'q[]=1&q[]=2', 'q[$gt]=']) {
      check(t, `raw query ${raw}`, await send('GET', `/contacts?q=${raw}`));
      check(t, `raw query ${raw}`, await send('GET', `/contacts?${raw}`));
    }
    for (const id of ['-1', '0', '1e3', '99999999999999999999', '%00', '%FF', 'null', '..%2F..%2Fetc', `${seed.id}%20OR%201=1`, '%3Cscript%3E', 'x'.repeat(300)]) {
      const routerLevel = id === '%FF' || id.length > 100; // not UTF-8, or longer than a path parameter may be
      for (const path of ['/contacts/:id', '/contacts/:id/edit', '/contacts/:id/delete', '/contacts/:id/ticket']) {
        const url = path.replace(':id', id);
        const res = await send('GET', url);
        check(t, url, res, undefined, routerLevel);
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${url} → ${res.statusCode}`);
      }
      for (const path of ['/contacts/:id/edit', '/contacts/:id/delete', '/contacts/:id/ticket', '/admin/integrations/:id/rename', '/admin/integrations/:id/delete', '/admin/users/:id/reset', '/admin/users/:id/deactivate', '/admin/tokens/:id/revoke']) {
        const res = await probe(t, 'POST', path.replace(':id', id), form({ name: 'X', label: 'X', version: 1 }), { routerLevel });
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `POST ${path.replace(':id', id)} → ${res.statusCode}`);
      }
    }
    t.pass('probed');
  });

  t.test('broken bodies: invalid UTF-8, wrong content types, oversized', async (t) => {
    const invalid = Buffer.concat([Buffer.from('name=', 'latin1'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('&senderValue=a%40example.com', 'latin1')]);
    const raw = await probe(t, 'POST', '/contacts', invalid);
    t.ok(raw.statusCode < 500, `raw invalid bytes → ${raw.statusCode}`);
    if (raw.statusCode < 400) await removeAdded();
    const encoded = await probe(t, 'POST', '/contacts', 'name=%FF%FE%C0%AF&senderValue=b%40example.com');
    t.ok(encoded.statusCode < 500, `percent-encoded invalid bytes → ${encoded.statusCode}`);
    if (encoded.statusCode < 400) await removeAdded();

    const json = await probe(t, 'POST', '/contacts', JSON.stringify({ name: 'Json Person', senderValue: 'json@example.com' }), { contentType: 'application/json' });
    t.equal(json.statusCode, 415, 'the panel takes forms, not JSON');
    const text = await probe(t, 'POST', '/contacts', 'name=Text Person', { contentType: 'text/plain' });
    t.equal(text.statusCode, 415, 'nor plain text');
    const multipart = await probe(t, 'POST', '/contacts', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nMultipart\r\n--b--\r\n', { contentType: 'multipart/form-data; boundary=b' });
    t.equal(multipart.statusCode, 415, 'nor multipart');
    const xml = await probe(t, 'POST', '/admin/tokens', '<name>x</name>', { contentType: 'application/xml' });
    t.equal(xml.statusCode, 415);

    for (const [url, field] of [['/contacts', 'name'], ['/contacts', 'note'], ['/admin/tokens', 'name'], ['/account/password', 'password'], [`/contacts/${seed.id}/ticket`, 'message']] as const) {
      const big = await probe(t, 'POST', url, form({ [field]: 'x'.repeat(1024 * 1024) }));
      t.equal(big.statusCode, 413, `a 1 MB ${field} on ${url} is too large`);
    }
    const deep = await probe(t, 'POST', '/contacts', `${'senderValue=a&'.repeat(20_000)}name=Many`);
    t.ok(deep.statusCode >= 400 && deep.statusCode < 500, `20,000 repeated fields → ${deep.statusCode}`);
    const proto = await probe(t, 'POST', '/contacts', 'name=Proto&__proto__[admin]=1&constructor[prototype][x]=1&senderValue=proto%40example.com');
    t.ok(proto.statusCode < 500, `prototype keys → ${proto.statusCode}`);
    if (proto.statusCode < 400) await removeAdded();
    t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted');
  });

  t.test('random form bodies', async (t) => {
    const fields = ['name', 'senderKind', 'senderValue', 'senderPlatform', 'country', 'language', 'integrations', 'note', 'version', '_action', 'label', 'platform', 'email', 'role', 'to', 'subject', 'message', 'locale', 'next', 'current', 'password'];
    const urls = ['/contacts', `/contacts/${seed.id}/edit`, `/contacts/${seed.id}/ticket`, '/admin/integrations', '/admin/users', '/admin/tokens', '/account/locale', '/account/password'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...urls), fc.array(fc.tuple(fc.constantFrom(...fields), fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom(...INJECTIONS))), { maxLength: 12 }), async (url, pairs) => {
        const body = new URLSearchParams(pairs).toString();
        const res = await probe(t, 'POST', url, body);
        if (res.statusCode < 400) await removeAdded();
        return res.statusCode < 500;
      }),
      { numRuns: 120 },
    );
  });

  t.test('stored hostile values are escaped on every page that shows them', async (t) => {
    // Accepted values with markup in them: names, a nick, a note, labels, a user name, a token name.
    const evil = INJECTIONS.join(' ');
    const contact = await createContact(db(), { name: `Evil ${INJECTIONS[0]}`, senders: [{ kind: 'handle', value: 'evil"><b>', platform: 'allegro' }, { kind: 'email', value: 'evil@example.com' }], note: evil, integrations: [shop.id] }, system);
    await createIntegration(db(), { platform: 'ebay', label: INJECTIONS[2] as string });
    await createUser(db(), { email: 'evil@example.com', name: INJECTIONS[1] as string, password: PASSWORD, role: 'agent' });
    const token = await send('POST', '/admin/tokens', form({ name: INJECTIONS[3] }));
    t.equal(token.statusCode, 201);
    const renamed = await send('POST', `/contacts/${contact.id}/edit`, form({ version: 1, name: `Evil ${INJECTIONS[1]}`, senderKind: ['handle', 'email'], senderValue: ['evil"><b>', 'evil@example.com'], senderPlatform: ['allegro', ''], note: evil, integrations: String(shop.id) }));
    t.equal(renamed.statusCode, 303, 'the edit is recorded in the history');
    const pages = [
      '/contacts',
      '/contacts?q=evil',
      `/contacts?q=${encodeURIComponent(INJECTIONS[0] as string)}`,
      `/contacts/${contact.id}`,
      `/contacts/${contact.id}/edit`,
      `/contacts/${contact.id}/delete`,
      `/contacts/check-name?name=${encodeURIComponent(`Evil ${INJECTIONS[1]}`)}`,
      '/admin/integrations',
      '/admin/users',
      '/admin/tokens',
    ];
    for (const url of pages) {
      const res = await send('GET', url);
      t.equal(res.statusCode, 200, url);
      check(t, url, res);
    }
    const details = await send('GET', `/contacts/${contact.id}`);
    t.ok(details.body.includes(escapeHtml(`Evil ${INJECTIONS[1]}`)), 'the name is shown, escaped');
    t.ok(details.body.includes('evil&quot;&gt;&lt;b&gt;'), 'the nick is shown, escaped');
    const nameTaken = await probe(t, 'POST', '/contacts', form({ name: `Evil ${INJECTIONS[1]}` }));
    t.equal(nameTaken.statusCode, 409, 'the owner’s hostile name in the refusal is escaped too');
    const agentClient = new PanelClient(app);
    t.equal((await agentClient.signIn('evil@example.com', PASSWORD)).statusCode, 303);
    check(t, 'the header with a hostile user name', await agentClient.get('/account'));
    t.ok(agent.id > 0);
  });
});
