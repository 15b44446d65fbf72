// Web security of the panel over its whole route table: CSRF on every state change, GETs that change nothing,
// admin routes closed to agents, cookie attributes over HTTPS, absolute session expiry, and the CSP in Chromium.
import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen } from '../helpers/browser.ts';
import { PanelClient, signedIn, htmx, PASSWORD, type Form } from './client.ts';
import { createUser } from '../../core/user.service.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { createApiToken } from '../../core/api-token.service.ts';
import { actor } from '../../core/actor.ts';

const CSRF_MESSAGE = /This form has expired/;
const FORM = 'application/x-www-form-urlencoded';

interface Route {
  method: string;
  url: string;
}

/** Every route the server answers, read from Fastify's own route tree (so a new route is covered at once). */
function routeTable(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[└├]── (.+?)(?: \(([A-Z, ]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const parent = stack[depth - 1] ?? '';
    const segment = match[2] as string;
    const url = parent.endsWith('/') || segment.startsWith('/') ? parent + segment : `${parent}/${segment}`;
    stack.length = depth;
    stack[depth] = url;
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url });
  }
  return routes;
}

/** The panel's routes: not the API, the probes, static files or the catch-all. */
const panelRoutes = (app: FastifyInstance) =>
  routeTable(app).filter((r) => !/^\/(api|static|slack)\/|^\/(healthz|readyz)$|\*/u.test(r.url) && r.method !== 'HEAD');

interface Fixture {
  app: FastifyInstance;
  snapshot(): Promise<string>;
  ids: { contact: number; mailContact: number; integration: number; user: number; token: number };
  version(): Promise<number>;
}

async function fixture(t: Parameters<typeof testApp>[0], env: Record<string, string> = {}): Promise<Fixture & { orm: Awaited<ReturnType<typeof testApp>>['orm'] }> {
  const { app, orm } = await testApp(t, env);
  const db = () => orm.em.fork();
  const system = actor('api', 'seed', 'Seed');
  const contact = await createContact(db(), { name: 'Target Contact', senders: [{ kind: 'email', value: 'target@example.com' }] }, system);
  const mailContact = await createContact(db(), { name: 'Mail Contact', senders: [{ kind: 'email', value: 'mail@example.com' }] }, system);
  const integration = await createIntegration(db(), { platform: 'allegro', label: 'Unused shop' });
  const user = await createUser(db(), { email: 'agent@example.com', name: 'Aga Agent', password: PASSWORD, role: 'agent' });
  const token = await createApiToken(db(), 'Sync', 'Seed');
  const sql = (query: string, params: unknown[] = []) => db().getConnection().execute(query, params);
  const tables = ((await sql("select tablename from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm%' order by 1")) as { tablename: string }[]).map((r) => r.tablename);
  const snapshotQuery = `select ${tables.map((table) => `(select json_agg(to_jsonb(r) order by to_jsonb(r)::text) from "${table}" r) as "${table}"`).join(', ')}`;
  return {
    app,
    orm,
    snapshot: async () => JSON.stringify(await sql(snapshotQuery)),
    ids: { contact: contact.id, mailContact: mailContact.id, integration: integration.id, user: user.id, token: token.id },
    version: async () => Number((await sql('select version from contact where id = ?', [contact.id]))[0]?.version ?? 1),
  };
}

/** A concrete URL for a route pattern: each :id names a row that exists. */
function concrete(url: string, ids: Fixture['ids']): string {
  if (url.startsWith('/contacts/:id/ticket')) return url.replace(':id', String(ids.mailContact));
  if (url.startsWith('/contacts/')) return url.replace(':id', String(ids.contact));
  if (url.startsWith('/admin/integrations/')) return url.replace(':id', String(ids.integration));
  if (url.startsWith('/admin/users/')) return url.replace(':id', String(ids.user));
  if (url.startsWith('/admin/tokens/')) return url.replace(':id', String(ids.token));
  return url.replace(/:\w+/gu, '1');
}

/** A body for each state change that would change something if it were let through; `changes` says whether it does. */
async function bodyFor(url: string, fx: Fixture): Promise<{ form: Form; changes: boolean }> {
  const bodies: Record<string, { form: Form; changes: boolean }> = {
    '/login': { form: { email: 'admin@example.com', password: 'not the password' }, changes: true }, // counts a failure
    '/logout': { form: {}, changes: false }, // the cookie is what changes
    '/setup': { form: { email: 'second@example.com', name: 'Second', password: 'second-password' }, changes: false },
    '/account/locale': { form: { locale: 'pl', next: '/account' }, changes: true },
    '/account/password': { form: { current: PASSWORD, password: 'a-brand-new-password' }, changes: true },
    '/contacts': { form: { name: 'Forged Contact', senderKind: 'email', senderValue: 'forged@example.com' }, changes: true },
    '/contacts/:id/edit': { form: { version: String(await fx.version()), name: 'Forged Rename', senderKind: 'email', senderValue: 'target@example.com' }, changes: true },
    '/contacts/:id/delete': { form: {}, changes: true },
    '/contacts/:id/ticket': { form: { to: 'mail@example.com', subject: 'Forged', message: 'Forged' }, changes: false }, // no SMTP here
    '/admin/integrations': { form: { platform: 'ebay', label: 'Forged shop' }, changes: true },
    '/admin/integrations/:id/rename': { form: { label: 'Forged label' }, changes: true },
    '/admin/integrations/:id/delete': { form: {}, changes: true },
    '/admin/users': { form: { email: 'forged@example.com', name: 'Forged', role: 'admin' }, changes: true },
    '/admin/users/:id/reset': { form: {}, changes: true },
    '/admin/users/:id/deactivate': { form: {}, changes: true },
    '/admin/tokens': { form: { name: 'Forged token' }, changes: true },
    '/admin/tokens/:id/revoke': { form: {}, changes: true },
  };
  return bodies[url] ?? { form: { name: 'Forged' }, changes: false };
}

const encode = (form: Form) => {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) body.append(key, item);
  return body.toString();
};

t.test('every state-changing route refuses a missing, wrong or foreign CSRF token and cross-site requests', async (t) => {
  const fx = await fixture(t);
  const { app } = fx;
  const admin = await signedIn(app, fx.orm.em.fork(), 'admin');
  const token = await admin.csrfToken();
  const otherSessionToken = await (await signedIn(app, fx.orm.em.fork(), 'admin', 'other.admin@example.com')).csrfToken();
  const changing = panelRoutes(app).filter((r) => r.method !== 'GET');
  t.ok(changing.some((r) => r.method === 'POST' && r.url === '/contacts') && changing.some((r) => r.url === '/admin/tokens/:id/revoke'), 'the route table was read');
  t.ok(changing.length >= 17, `${changing.length} state-changing routes`);

  for (const route of changing) {
    const url = concrete(route.url, fx.ids);
    const { form } = await bodyFor(route.url, fx);
    const attempts: [string, Record<string, string>, Form][] = [
      ['no token', {}, form],
      ['a wrong token', {}, { ...form, _csrf: 'forged-token' }],
      ['a token of another session', {}, { ...form, _csrf: otherSessionToken }],
      ['a wrong htmx header token', { 'x-csrf-token': 'forged-token', ...htmx('form#contact-form') }, form],
      ['cross-site', { 'sec-fetch-site': 'cross-site' }, { ...form, _csrf: token }],
      ['same-site (another subdomain)', { 'sec-fetch-site': 'same-site' }, { ...form, _csrf: token }],
    ];
    for (const [name, headers, body] of attempts) {
      const before = await fx.snapshot();
      const res = await app.inject({ method: route.method as 'POST', url, payload: encode(body), headers: { cookie: admin.cookie, 'content-type': FORM, ...headers } });
      t.equal(res.statusCode, 403, `${route.method} ${route.url} with ${name}`);
      t.match(res.body, CSRF_MESSAGE, `${route.method} ${route.url} with ${name} says why`);
      t.equal(await fx.snapshot(), before, `${route.method} ${route.url} with ${name} changed nothing`);
    }
    t.equal((await admin.get('/contacts')).statusCode, 200, `still signed in after the refused ${route.url}`);
  }

  // The same requests with the right token go through: the refusals above were about the token, not the bodies.
  const last = changing.filter((r) => r.url === '/logout');
  for (const route of [...changing.filter((r) => r.url !== '/logout'), ...last]) {
    const url = concrete(route.url, fx.ids);
    const { form, changes } = await bodyFor(route.url, fx);
    const before = await fx.snapshot();
    const res = await admin.post(url, form);
    t.not(res.statusCode, 403, `${route.method} ${route.url} with the token is not refused (${res.statusCode})`);
    t.equal((await fx.snapshot()) !== before, changes, `${route.method} ${route.url} with the token ${changes ? 'changes' : 'does not change'} the database`);
  }
  t.equal((await admin.get('/contacts')).statusCode, 303, 'signed out by the real logout');
});

t.test('no GET changes anything, for anyone, with any headers', async (t) => {
  const fx = await fixture(t);
  const { app } = fx;
  const admin = await signedIn(app, fx.orm.em.fork(), 'admin');
  const agent = new PanelClient(app);
  t.equal((await agent.signIn('agent@example.com', PASSWORD)).statusCode, 303);
  const anonymous = new PanelClient(app);
  const gets = panelRoutes(app).filter((r) => r.method === 'GET');
  t.ok(gets.length >= 12, `${gets.length} GET routes`);
  const before = await fx.snapshot();
  const queries = ['', '?_action=addSender&_method=POST&name=Forged&version=1', '?q=forged&cursor=abc&next=%2Fadmin%2Ftokens'];
  for (const route of gets) {
    for (const [who, client] of [['admin', admin], ['agent', agent], ['anonymous', anonymous]] as const) {
      for (const query of queries) {
        for (const headers of [{}, htmx('form#contact-form')]) {
          const url = `${concrete(route.url, fx.ids)}${query}`;
          const res: LightMyRequestResponse = await client.get(url, headers);
          if (res.statusCode >= 500) t.fail(`GET ${url} as ${who} → ${res.statusCode}`);
        }
      }
    }
    t.equal(await fx.snapshot(), before, `GET ${route.url} changed nothing`);
  }
  const logoutByGet = await admin.get('/logout');
  t.equal(logoutByGet.statusCode, 404, 'signing out needs a POST');
  t.equal((await admin.get('/contacts')).statusCode, 200, 'a GET to /logout does not sign out');
  t.equal((await admin.get(`/contacts/${fx.ids.contact}/delete`)).statusCode, 200, 'the delete page only asks');
  t.equal(await fx.snapshot(), before, 'nothing changed at all');
});

t.test('admin routes are closed to agents and to anonymous requests', async (t) => {
  const fx = await fixture(t);
  const { app } = fx;
  const agent = new PanelClient(app);
  t.equal((await agent.signIn('agent@example.com', PASSWORD)).statusCode, 303);
  const anonymous = new PanelClient(app);
  await anonymous.get('/login');
  const adminRoutes = panelRoutes(app).filter((r) => r.url.startsWith('/admin/'));
  t.ok(adminRoutes.some((r) => r.url === '/admin/tokens/:id/revoke') && adminRoutes.some((r) => r.url === '/admin/users/:id/reset'), 'token and user management are in the table');
  for (const route of adminRoutes) {
    const url = concrete(route.url, fx.ids);
    const { form } = await bodyFor(route.url, fx);
    const before = await fx.snapshot();
    const byAgent = route.method === 'GET' ? await agent.get(url) : await agent.post(url, form);
    t.equal(byAgent.statusCode, 403, `${route.method} ${route.url} as an agent`);
    t.match(byAgent.body, /This page is for administrators/);
    t.notMatch(byAgent.body, /<code class="secret">/, 'no secret is shown');
    const byNobody = route.method === 'GET' ? await anonymous.get(url) : await anonymous.post(url, form);
    t.equal(byNobody.statusCode, 303, `${route.method} ${route.url} without a session`);
    t.match(byNobody.headers.location, /^\/login/);
    t.equal(await fx.snapshot(), before, `${route.method} ${route.url} changed nothing`);
  }
  const api = await app.inject({ url: '/api/v1/contacts', headers: { authorization: 'Bearer cd_not-a-token-at-all-0000' } });
  t.equal(api.statusCode, 401, 'an unknown token opens nothing');
});

t.test('cookies over HTTPS are Secure; sessions end after SESSION_TTL_HOURS whatever happens meanwhile', async (t) => {
  const { app, orm } = await testApp(t, { PUBLIC_URL: 'https://contacts.example.com', SESSION_TTL_HOURS: '1' });
  const login = await new PanelClient(app).get('/setup');
  const cookie = String(login.headers['set-cookie']);
  t.match(cookie, /contactdesk_session=/);
  t.match(cookie, /; Secure/i, 'Secure when PUBLIC_URL is https');
  t.match(cookie, /HttpOnly/i);
  t.match(cookie, /SameSite=Lax/i);
  t.match(cookie, /Max-Age=3600/i);
  t.match(String(login.headers['strict-transport-security']), /max-age=\d+/, 'HSTS over https');

  const client = await signedIn(app, orm.em.fork(), 'agent');
  const realNow = Date.now;
  try {
    Date.now = () => realNow() + 59 * 60_000;
    t.equal((await client.get('/contacts')).statusCode, 200, 'a minute before the end, still signed in');
    Date.now = () => realNow() + 61 * 60_000;
    const late = await client.get('/contacts');
    t.equal(late.statusCode, 303, 'an hour after signing in, the cookie no longer opens the panel');
    t.equal(late.headers.location, '/login');
  } finally {
    Date.now = realNow;
  }

  const plain = await testApp(t, { PUBLIC_URL: 'http://localhost:3000' });
  const plainLogin = await new PanelClient(plain.app).get('/setup');
  t.notMatch(String(plainLogin.headers['set-cookie']), /; Secure/i, 'not Secure over plain http (the browser would drop it)');
  t.equal(plainLogin.headers['strict-transport-security'], undefined);
});

t.test('every page carries the strict CSP and runs under it in Chromium, hostile data included', async (t) => {
  const fx = await fixture(t);
  const { app } = fx;
  const db = () => fx.orm.em.fork();
  await createUser(db(), { email: 'admin@example.com', name: 'Ada <script>alert(1)</script>', password: PASSWORD, role: 'admin' });
  const evil = await createContact(db(), { name: '"><img src=x onerror=alert(1)>', senders: [{ kind: 'handle', value: "x' hx-get='/admin'", platform: 'allegro' }], note: '<script>alert(2)</script>' }, actor('api', 'seed', 'Seed'));
  await createIntegration(db(), { platform: 'ebay', label: '<svg onload=alert(3)>' });
  const pages = panelRoutes(app)
    .filter((r) => r.method === 'GET' && !r.url.endsWith('/ticket')) // without SMTP, new ticket is a mailto: redirect
    .map((r) => concrete(r.url, { ...fx.ids, contact: evil.id }));
  pages.push(`/contacts?q=${encodeURIComponent('<script>alert(4)</script>')}`);

  const client = new PanelClient(app);
  await client.signIn('admin@example.com', PASSWORD);
  const fullPages: string[] = []; // fragments (htmx answers) are seen inside the pages that load them
  for (const url of pages) {
    const res = await client.get(url);
    if (/text\/html/u.test(String(res.headers['content-type']))) {
      const csp = String(res.headers['content-security-policy']);
      t.match(csp, /script-src 'self'/, `${url} has the CSP`);
      t.notMatch(csp, /unsafe-inline|unsafe-eval/, `${url}: no unsafe sources`);
    }
    if (/^<!doctype html>/iu.test(res.body.trimStart()) || res.statusCode === 303) fullPages.push(url);
  }
  t.ok(fullPages.length >= 10, `${fullPages.length} pages to open`);

  const base = await listen(t, app);
  const browser = await launchBrowser(t);
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });

  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail').fill('admin@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/contacts$/);

  // The watch works: an inline script is refused and reported.
  await page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { createElement(tag: string): { textContent: string }; body: { append(node: unknown): void } } }).document;
    const script = doc.createElement('script');
    script.textContent = 'void 0';
    doc.body.append(script);
  });
  await page.waitForTimeout(100);
  t.match(problems.join('\n'), /Content Security Policy/, 'a CSP violation would be seen');
  problems.length = 0;

  for (const url of fullPages) {
    await page.goto(`${base}${url}`);
    await page.waitForLoadState('networkidle');
  }
  t.same(problems, [], `${fullPages.length} pages, no CSP violations, script errors or dialogs`);
});
