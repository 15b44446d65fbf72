// Admin pages (integration accounts, users, API tokens) and a new ticket sent through a real SMTP server.
import t from 'tap';
import { SMTPServer } from 'smtp-server';
import { testApp } from '../helpers/app.ts';
import { signedIn, PanelClient, htmx } from './client.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { actor } from '../../core/actor.ts';
import { ApiToken, AuditEvent, User } from '../../core/entities/index.ts';
import { hashToken } from '../../core/api-token.service.ts';

const system = actor('api', 'test', 'Test Setup');

t.test('admin: integration accounts', async (t) => {
  const { app, orm } = await testApp(t);
  const admin = await signedIn(app, orm.em.fork(), 'admin');
  const empty = await admin.get('/admin/integrations');
  t.match(empty.body, /No integration accounts yet/);

  const bad = await admin.post('/admin/integrations', { platform: 'not valid!', label: '' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /A platform is a short code/);
  t.match(bad.body, /Enter a label/);
  t.match(bad.body, /value="not valid!"/);

  const added = await admin.post('/admin/integrations', { platform: 'Allegro', label: 'Main shop' });
  t.equal(added.statusCode, 303);
  const list = await admin.get('/admin/integrations');
  t.match(list.body, /Main shop has been added/);
  t.match(list.body, /<td>Allegro<\/td>/);
  const id = Number(/\/admin\/integrations\/(\d+)\/rename/u.exec(list.body)?.[1]);

  await admin.post('/admin/integrations', { platform: 'allegro', label: 'Second shop' });
  const duplicate = await admin.post('/admin/integrations', { platform: 'allegro', label: 'Main shop' });
  t.equal(duplicate.statusCode, 422);
  t.match(duplicate.body, /An account with this label already exists/);

  const renamed = await admin.post(`/admin/integrations/${id}/rename`, { label: 'Flagship' });
  t.equal(renamed.statusCode, 303);
  t.match((await admin.get('/admin/integrations')).body, /value="Flagship"/);

  await createContact(orm.em.fork(), { name: 'Uses it', integrations: [id] }, system);
  const inUse = await admin.post(`/admin/integrations/${id}/delete`);
  t.equal(inUse.statusCode, 409);
  t.match(inUse.body, /Contacts still use this integration account/);
  const page = await admin.get('/admin/integrations');
  t.match(page.body, /In use/);

  const secondId = Number(/\/admin\/integrations\/(\d+)\/delete/u.exec(page.body)?.[1]);
  t.not(secondId, id, 'only unused accounts offer "remove"');
  const removed = await admin.post(`/admin/integrations/${secondId}/delete`);
  t.equal(removed.statusCode, 303);
  t.notMatch((await admin.get('/admin/integrations')).body, /value="Second shop"/);
});

t.test('admin: invite users, API tokens shown once and stored hashed', async (t) => {
  const { app, orm } = await testApp(t);
  const admin = await signedIn(app, orm.em.fork(), 'admin');

  const bad = await admin.post('/admin/users', { email: 'nope', name: '', role: 'boss' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /This is not a valid e-mail address/);
  t.match(bad.body, /Choose a role/);
  const invited = await admin.post('/admin/users', { email: 'New.Agent@Example.com', name: 'Nina', role: 'agent' });
  t.equal(invited.statusCode, 201);
  t.match(invited.body, /new\.agent@example\.com can now sign in with this temporary password/);
  const password = /<code class="secret">([^<]+)<\/code>/u.exec(invited.body)?.[1] ?? '';
  t.equal(password.length, 16);
  const nina = new PanelClient(app);
  t.equal((await nina.signIn('new.agent@example.com', password)).statusCode, 303);
  t.equal((await nina.get('/admin/users')).statusCode, 403, 'an agent');
  const stored = await orm.em.fork().findOneOrFail(User, { email: 'new.agent@example.com' });
  t.not(stored.passwordHash, password);
  const again = await admin.post('/admin/users', { email: 'new.agent@example.com', name: 'Nina 2', role: 'agent' });
  t.equal(again.statusCode, 422);
  t.match(again.body, /A user with this e-mail address already exists/);

  const changed = await nina.post('/account/password', { current: password, password: 'nina-own-password' });
  t.equal(changed.statusCode, 303);
  t.equal((await nina.get('/contacts')).statusCode, 200, 'this session stays after changing the password');
  const wrong = await nina.post('/account/password', { current: 'not it', password: 'whatever-else' });
  t.equal(wrong.statusCode, 422);
  t.match(wrong.body, /This is not your current password/);
  const polish = await nina.post('/account/locale', { locale: 'pl', next: '/contacts' });
  t.equal(polish.headers.location, '/contacts');
  t.match((await nina.get('/contacts', { 'accept-language': 'en' })).body, /Kontakty/, 'the user’s language wins over the browser’s');

  const token = await admin.post('/admin/tokens', { name: 'Helpdesk sync' });
  t.equal(token.statusCode, 201);
  const value = /<code class="secret">([^<]+)<\/code>/u.exec(token.body)?.[1] ?? '';
  t.match(value, /^cd_/);
  const row = await orm.em.fork().findOneOrFail(ApiToken, { name: 'Helpdesk sync' });
  t.equal(row.tokenHash, hashToken(value), 'only the hash is stored');
  const list = await admin.get('/admin/tokens');
  t.notMatch(list.body, new RegExp(value), 'the token is not shown again');
  t.match(list.body, /Helpdesk sync/);
  const api = await app.inject({ url: '/api/v1/contacts', headers: { authorization: `Bearer ${value}` } });
  t.equal(api.statusCode, 200, 'the token works on the API');
  const revoked = await admin.post(`/admin/tokens/${row.id}/revoke`);
  t.equal(revoked.statusCode, 303);
  t.match((await admin.get('/admin/tokens')).body, /Revoked/);
  const refused = await app.inject({ url: '/api/v1/contacts', headers: { authorization: `Bearer ${value}` } });
  t.equal(refused.statusCode, 401);
  const emptyName = await admin.post('/admin/tokens', { name: ' ' });
  t.equal(emptyName.statusCode, 422);
});

t.test('new ticket: sent through SMTP and recorded in the history', async (t) => {
  const received: { from: string; to: string[]; raw: string }[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())));
  const port = (smtp.server.address() as { port: number }).port;

  const { app, orm } = await testApp(t, { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Support <support@shop.example>' });
  const client = await signedIn(app, orm.em.fork(), 'agent');
  const contact = await createContact(orm.em.fork(), { name: 'Mail Me', senders: [{ kind: 'phone', value: '+48 600 100 200' }, { kind: 'email', value: 'first@example.com' }, { kind: 'email', value: 'second@example.com' }] }, system);
  const nomail = await createContact(orm.em.fork(), { name: 'No Mail', senders: [{ kind: 'phone', value: '+48 600 100 201' }] }, system);

  const list = await client.get('/contacts');
  t.match(list.body, new RegExp(`href="/contacts/${contact.id}/ticket"`), 'with SMTP, new ticket is a form');
  t.notMatch(list.body, new RegExp(`/contacts/${nomail.id}/ticket`), 'only for contacts with an e-mail sender');
  t.equal((await client.get(`/contacts/${nomail.id}/ticket`)).statusCode, 404);

  const form = await client.get(`/contacts/${contact.id}/ticket`);
  t.match(form.body, /<option value="second@example.com">/);
  const invalid = await client.post(`/contacts/${contact.id}/ticket`, { to: 'someone@else.example', subject: '', message: 'Body kept' }, { headers: htmx('form#ticket-form') });
  t.equal(invalid.statusCode, 422);
  t.match(invalid.body, /^\s*<form id="ticket-form"/);
  t.match(invalid.body, /Enter a subject/);
  t.match(invalid.body, />Body kept<\/textarea>/);
  t.equal(received.length, 0);

  const sent = await client.post(`/contacts/${contact.id}/ticket`, { to: 'second@example.com', subject: 'Your order 123', message: 'Hello,\nyour parcel is on its way.' });
  t.equal(sent.statusCode, 303);
  t.equal(received.length, 1);
  t.same(received[0]?.to, ['second@example.com']);
  t.equal(received[0]?.from, 'support@shop.example');
  t.match(received[0]?.raw, /Subject: Your order 123/);
  t.match(received[0]?.raw, /your parcel is on its way\./);
  const events = await orm.em.fork().find(AuditEvent, { contactId: contact.id, action: 'ticket_sent' });
  t.equal(events.length, 1);
  const details = await client.get(`/contacts/${contact.id}`);
  t.match(details.body, /The e-mail to second@example.com has been sent/);
  t.match(details.body, /Ticket sent/);
  t.match(details.body, /Your order 123/);
});
