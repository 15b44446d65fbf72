// Sign-in, sessions, first run, CSRF and the security headers of the panel.
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { PanelClient, signedIn, PASSWORD } from './client.ts';
import { createUser, MAX_FAILED_LOGINS } from '../../core/user.service.ts';
import { User } from '../../core/entities/index.ts';

t.test('first run: /setup creates the first admin, then disappears', async (t) => {
  const { app, orm } = await testApp(t);
  const client = new PanelClient(app);
  const home = await client.get('/contacts');
  t.equal(home.statusCode, 303, 'pages need a session');
  t.equal(home.headers.location, '/login');
  const login = await client.get('/login');
  t.equal(login.headers.location, '/setup', 'with no users, sign-in leads to the first-run page');
  const setup = await client.get('/setup');
  t.match(setup.body, /Create the first administrator/);

  const bad = await client.post('/setup', { email: 'not-an-email', name: 'Ada', password: 'short' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /This is not a valid e-mail address/);
  t.match(bad.body, /at least 8 characters/);
  t.match(bad.body, /value="Ada"/, 'what was typed comes back');

  const ok = await client.post('/setup', { email: 'Ada@Example.com', name: 'Ada', password: PASSWORD });
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/contacts');
  const contacts = await client.get('/contacts');
  t.equal(contacts.statusCode, 200, 'signed in right away');
  t.match(contacts.body, /Your administrator account is ready/);

  const admin = await orm.em.fork().findOneOrFail(User, { email: 'ada@example.com' });
  t.equal(admin.role, 'admin');
  t.not(admin.passwordHash, PASSWORD);
  t.match(admin.passwordHash, /^\$argon2/);

  const again = await new PanelClient(app).get('/setup');
  t.equal(again.statusCode, 303, 'the first-run page is gone once a user exists');
  t.equal(again.headers.location, '/login');
});

t.test('ADMIN_EMAIL and ADMIN_PASSWORD create the first admin at start', async (t) => {
  const { app } = await testApp(t, { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'boss-password-1' });
  const client = new PanelClient(app);
  const login = await client.get('/login');
  t.equal(login.statusCode, 200);
  const response = await client.signIn('boss@example.com', 'boss-password-1');
  t.equal(response.statusCode, 303);
  t.equal((await client.get('/admin/users')).statusCode, 200, 'as an admin');
});

t.test('sign-in, wrong passwords, the per-account lock, sign-out', async (t) => {
  const { app, orm } = await testApp(t);
  await createUser(orm.em.fork(), { email: 'aga@example.com', name: 'Aga', password: PASSWORD, role: 'agent' });
  const client = new PanelClient(app);

  const deep = await client.get('/contacts/new');
  t.equal(deep.headers.location, '/login?next=%2Fcontacts%2Fnew', 'the page asked for is remembered');
  const login = await client.get('/login?next=%2Fcontacts%2Fnew');
  t.match(login.body, /name="next" value="\/contacts\/new"/);
  t.match(login.headers['set-cookie'], /HttpOnly/i);
  t.match(login.headers['set-cookie'], /SameSite=Lax/i);
  t.match(login.headers['set-cookie'], /Max-Age=43200/i, 'sessions expire (SESSION_TTL_HOURS)');

  const wrong = await client.post('/login', { email: 'aga@example.com', password: 'nope nope' });
  t.equal(wrong.statusCode, 401);
  t.match(wrong.body, /The e-mail or password is not right/);
  t.match(wrong.body, /value="aga@example.com"/, 'the e-mail stays typed');
  const unknown = await client.post('/login', { email: 'nobody@example.com', password: 'whatever1' });
  t.equal(unknown.statusCode, 401, 'an unknown account gets the same answer');
  t.match(unknown.body, /The e-mail or password is not right/);

  const evil = await client.post('/login', { email: 'aga@example.com', password: PASSWORD, next: '//evil.example/' });
  t.equal(evil.headers.location, '/contacts', 'no open redirect');
  const afterSignIn = await client.get('/contacts');
  t.equal(afterSignIn.statusCode, 200);
  t.match(afterSignIn.body, /Aga/);

  const logout = await client.post('/logout');
  t.equal(logout.statusCode, 303);
  t.equal((await client.get('/contacts')).statusCode, 303, 'signed out');

  // Failed attempts are counted in the database: the lock holds on every instance.
  const other = new PanelClient(app);
  for (let i = 0; i < MAX_FAILED_LOGINS; i++) await other.post('/login', { email: 'aga@example.com', password: `wrong-${i}` });
  const locked = await other.post('/login', { email: 'aga@example.com', password: PASSWORD });
  t.equal(locked.statusCode, 429);
  t.match(locked.body, /Too many failed attempts/);
  const row = await orm.em.fork().findOneOrFail(User, { email: 'aga@example.com' });
  t.equal(row.failedLogins, MAX_FAILED_LOGINS);
  t.ok(row.lockedUntil && row.lockedUntil > new Date());
  const admin = await signedIn(app, orm.em.fork(), 'admin');
  t.match((await admin.get('/admin/users')).body, /Locked until .* \(a password reset unlocks\)/);
  const reset = await admin.post(`/admin/users/${row.id}/reset`);
  const temporary = /<code class="secret">([^<]+)<\/code>/u.exec(reset.body)?.[1] ?? '';
  t.equal((await new PanelClient(app).signIn('aga@example.com', temporary)).statusCode, 303, 'a reset unlocks the account');
});

t.test('roles, deactivation and password resets end sessions', async (t) => {
  const { app, orm } = await testApp(t);
  const admin = await signedIn(app, orm.em.fork(), 'admin');
  const agent = await signedIn(app, orm.em.fork(), 'agent');
  for (const url of ['/admin/users', '/admin/integrations', '/admin/tokens']) {
    const page = await agent.get(url);
    t.equal(page.statusCode, 403, `${url} is for admins`);
    t.match(page.body, /This page is for administrators/);
    t.equal((await admin.get(url)).statusCode, 200);
  }
  const forbiddenPost = await agent.post('/admin/tokens', { name: 'sneaky' });
  t.equal(forbiddenPost.statusCode, 403);

  const agentRow = await orm.em.fork().findOneOrFail(User, { email: 'agent@example.com' });
  const reset = await admin.post(`/admin/users/${agentRow.id}/reset`);
  t.equal(reset.statusCode, 200);
  const temporary = /<code class="secret">([^<]+)<\/code>/u.exec(reset.body)?.[1] ?? '';
  t.equal(temporary.length, 16, 'the new password is shown once');
  t.equal((await agent.get('/contacts')).statusCode, 303, 'the old session ended');
  const again = new PanelClient(app);
  t.equal((await again.signIn('agent@example.com', temporary)).statusCode, 303, 'the new password works');

  const deactivate = await admin.post(`/admin/users/${agentRow.id}/deactivate`);
  t.equal(deactivate.statusCode, 303);
  t.equal((await again.get('/contacts')).statusCode, 303, 'a deactivated user is signed out at once');
  t.equal((await new PanelClient(app).signIn('agent@example.com', temporary)).statusCode, 401, 'and cannot sign in');

  const adminRow = await orm.em.fork().findOneOrFail(User, { email: 'admin@example.com' });
  const self = await admin.post(`/admin/users/${adminRow.id}/deactivate`);
  t.equal(self.statusCode, 422);
  t.match(self.body, /You cannot deactivate yourself/);
});

t.test('CSRF: a token on every state change, and same-origin requests only', async (t) => {
  const { app, orm } = await testApp(t);
  const client = await signedIn(app, orm.em.fork(), 'agent');
  const noToken = await client.post('/contacts', { name: 'Jan' }, { csrf: false });
  t.equal(noToken.statusCode, 403);
  t.match(noToken.body, /This form has expired/);
  const wrongToken = await client.post('/contacts', { name: 'Jan', _csrf: 'forged' }, { csrf: false });
  t.equal(wrongToken.statusCode, 403);
  const crossSite = await client.post('/contacts', { name: 'Jan' }, { headers: { 'sec-fetch-site': 'cross-site' } });
  t.equal(crossSite.statusCode, 403, 'Sec-Fetch-Site cross-site is refused even with a token');
  const list = await client.get('/contacts');
  t.notMatch(list.body, />Jan</, 'nothing was created');

  // htmx sends the token as a header instead of a form field.
  const token = await client.csrfToken();
  const viaHeader = await app.inject({
    method: 'POST',
    url: '/contacts',
    headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token, 'sec-fetch-site': 'same-origin', 'hx-request': 'true', 'hx-target': 'form#contact-form' },
    payload: 'name=Jan&senderKind=email&senderValue=jan%40example.com',
  });
  t.equal(viaHeader.statusCode, 204);
  t.match(viaHeader.headers['hx-location'], /^\/contacts\/\d+$/);
});

t.test('security headers and the CSP htmx runs under', async (t) => {
  const { app } = await testApp(t);
  const page = await new PanelClient(app).get('/setup');
  const csp = String(page.headers['content-security-policy']);
  t.match(csp, /script-src 'self'/);
  t.match(csp, /style-src 'self'/);
  t.notMatch(csp, /unsafe-inline|unsafe-eval/);
  t.equal(page.headers['x-content-type-options'], 'nosniff');
  t.match(page.headers['x-frame-options'], /SAMEORIGIN|DENY/);
  t.match(page.body, /<meta name="htmx-config" content='\{"includeIndicatorCSS": false\}'>/);
  t.notMatch(page.body, /<script>|style="|hx-on|onclick=/, 'no inline scripts, styles or handlers');
  const htmxFile = await app.inject({ url: '/static/htmx.min.js' });
  t.equal(htmxFile.statusCode, 200, 'htmx is served from our own origin');
  t.match(htmxFile.headers['content-type'], /javascript/);
  const css = await app.inject({ url: '/static/panel.css' });
  t.equal(css.statusCode, 200);
  const api = await app.inject({ url: '/api/v1/contacts' });
  t.equal(api.headers['content-security-policy'], undefined, 'panel headers do not leak into the API');
  t.equal(api.statusCode, 401);
});

t.test('sign-in attempts are rate-limited per address; oversized posts get a page, not JSON', async (t) => {
  const { app } = await testApp(t);
  const client = new PanelClient(app);
  await client.get('/setup');
  let last = 0;
  for (let i = 0; i < 21; i++) last = (await client.post('/login', { email: `someone${i}@example.com`, password: 'wrong-password' })).statusCode;
  t.equal(last, 429, 'the 21st attempt within five minutes is refused');
  const page = await client.post('/login', { email: 'x@example.com', password: 'whatever' });
  t.match(page.body, /Too many attempts/);
  t.match(page.headers['content-type'], /text\/html/);

  const huge = await client.post('/setup', { name: 'x'.repeat(300 * 1024) });
  t.equal(huge.statusCode, 413);
  t.match(huge.body, /<!doctype html>/);
  t.match(huge.body, /The request could not be understood/);
});

t.test('without SESSION_SECRET a random key is used and sessions still work', async (t) => {
  const { app, orm } = await testApp(t, { SESSION_SECRET: '' });
  const client = await signedIn(app, orm.em.fork(), 'agent');
  t.equal((await client.get('/contacts')).statusCode, 200);
});
