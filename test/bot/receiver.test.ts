// The receiver as Slack talks to it: signatures, the 5-minute window both ways, url_verification, workspaces,
// and the manifest as the source of the command and shortcut ids the listeners answer.
import t from 'tap';
import manifest from '../../bot/manifest.json' with { type: 'json' };
import { Contact } from '../../core/entities/index.ts';
import pg from 'pg';
import { claimOnce, sweepOldKeys } from '../../bot/idempotency.ts';
import { startFakeSlack, botTestApp, sendSigned, commandBody, interactionBody, shortcutPayload, signature, TEAM_ID } from '../helpers/slack.ts';

t.test('the Slack endpoint', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestApp(t, fake);
  const now = () => Math.floor(Date.now() / 1000);

  t.test('answers url_verification with the challenge', async (t) => {
    const res = await sendSigned(app, JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }), { contentType: 'application/json' });
    t.equal(res.statusCode, 200);
    t.same(res.json(), { challenge: 'c-123' });
  });

  t.test('a signed command is acknowledged at once and answered through its response URL', async (t) => {
    const responseUrl = fake.responseUrl('help');
    const res = await sendSigned(app, commandBody({ text: 'help', responseUrl }));
    t.equal(res.statusCode, 200);
    t.equal(res.body, '');
    await idle();
    const [answer] = fake.ephemeral();
    t.match(answer.text, /\/contact find <fragment>/);
    t.equal(fake.calls('response_url')[0].path, '/response/help');
    t.equal(fake.calls('users.info')[0].authorization, 'Bearer xoxb-test-bot-token', 'Web API calls carry the bot token');
  });

  t.test('tampered, stale, future-dated and unsigned requests get 401 and do nothing', async (t) => {
    const before = fake.calls().length;
    const body = commandBody({ text: 'add Jan', responseUrl: fake.responseUrl() });
    const ts = now();
    const cases: [string, Record<string, string>, string][] = [
      ['tampered body', { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(body, ts) }, body.replace('add+Jan', 'add+Eve')],
      ['stale by 301 s', { 'x-slack-request-timestamp': String(ts - 301), 'x-slack-signature': signature(body, ts - 301) }, body],
      ['future by 301 s', { 'x-slack-request-timestamp': String(ts + 301), 'x-slack-signature': signature(body, ts + 301) }, body],
      ['other secret', { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(body, ts, 'another-secret') }, body],
      ['no signature', { 'x-slack-request-timestamp': String(ts) }, body],
      ['no timestamp', { 'x-slack-signature': signature(body, ts) }, body],
      ['malformed timestamp', { 'x-slack-request-timestamp': `${ts}.5`, 'x-slack-signature': signature(body, ts) }, body],
    ];
    for (const [name, headers, payload] of cases) {
      const res = await app.inject({ method: 'POST', url: '/slack/events', payload, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
      t.equal(res.statusCode, 401, name);
    }
    await idle();
    t.equal(fake.calls().length, before, 'no call reached Slack');
  });

  t.test('within the window in either direction is accepted', async (t) => {
    for (const skew of [-290, 290]) {
      const res = await sendSigned(app, JSON.stringify({ type: 'url_verification', challenge: 'ok' }), { contentType: 'application/json', timestamp: now() + skew });
      t.equal(res.statusCode, 200, `skew ${skew} s`);
    }
  });

  t.test('bodies that are not Slack payloads get 400, other media types 415', async (t) => {
    t.equal((await sendSigned(app, 'payload=%7Bnot-json')).statusCode, 400);
    t.equal((await sendSigned(app, '[1,2]', { contentType: 'application/json' })).statusCode, 400);
    t.equal((await sendSigned(app, 'hello', { contentType: 'text/plain' })).statusCode, 415);
  });

  t.test('the manifest declares what the listeners answer, and nothing else is answered', async (t) => {
    t.same(manifest.features.slash_commands.map((c) => c.command), ['/contact']);
    t.same(manifest.features.shortcuts.map((s) => [s.callback_id, s.type]), [['add_requester', 'message'], ['lookup_requester', 'message']]);
    t.same([...manifest.oauth_config.scopes.bot].sort(), ['chat:write', 'commands', 'files:read', 'users:read']);
    t.match(manifest.settings.interactivity.request_url, /\/slack\/events$/);
    t.match(manifest.features.slash_commands[0].url, /\/slack\/events$/);

    for (const shortcut of manifest.features.shortcuts) {
      const payload = shortcutPayload({ callbackId: shortcut.callback_id, message: { text: 'nothing to read', ts: `17000000${shortcut.callback_id.length}.000001` }, responseUrl: fake.responseUrl() });
      t.equal((await sendSigned(app, interactionBody(payload))).statusCode, 200, `${shortcut.callback_id} is answered`);
    }
    const command = await sendSigned(app, commandBody({ text: 'help', responseUrl: fake.responseUrl() }).replace('%2Fcontact', '%2Fcontacts'));
    t.equal(command.statusCode, 404, 'an undeclared command has no listener');
    const unknown = shortcutPayload({ callbackId: 'delete_everything', message: { text: 'x' }, responseUrl: fake.responseUrl() });
    t.equal((await sendSigned(app, interactionBody(unknown))).statusCode, 404, 'an undeclared shortcut has no listener');
    await idle();
  });
});

t.test('SLACK_TEAM_ID refuses requests from another workspace', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestApp(t, fake, { SLACK_TEAM_ID: TEAM_ID });
  const orm = app.orm;

  const refused = await sendSigned(app, commandBody({ text: 'add Eve', responseUrl: fake.responseUrl(), team: 'T0OTHER' }));
  t.equal(refused.statusCode, 200);
  t.match(refused.json(), { response_type: 'ephemeral', text: /another Slack workspace/ });
  const shortcut = shortcutPayload({ callbackId: 'add_requester', message: { text: 'From: eve@example.com' }, responseUrl: fake.responseUrl(), team: 'T0OTHER' });
  t.equal((await sendSigned(app, interactionBody(shortcut))).statusCode, 200);
  await idle();
  t.same(fake.calls(), [], 'nothing was asked of Slack');
  t.equal(await orm.em.fork().count(Contact, {}), 0, 'nothing was stored');

  const own = await sendSigned(app, commandBody({ text: 'help', responseUrl: fake.responseUrl() }));
  t.equal(own.statusCode, 200);
  await idle();
  t.equal(fake.ephemeral().length, 1, 'its own workspace is served');
});

t.test('idempotency keys: claimed once, claimable again after their window, swept after a day', async (t) => {
  const fake = await startFakeSlack(t);
  const { app } = await botTestApp(t, fake);
  const em = () => app.orm.em.fork();
  const sql = (query: string, params: unknown[] = []) => em().getConnection().execute(query, params);
  const db = new pg.Pool({ connectionString: app.orm.config.get('clientUrl'), max: 1 });
  t.teardown(() => db.end());
  const key = { key: 'slack:test:one', windowSeconds: 10 };
  t.match(await claimOnce(db, key), { claimed: true });
  t.match(await claimOnce(db, key), { claimed: false, result: null });
  await sql("update idempotency_key set created_at = now() - interval '11 seconds' where key = ?", [key.key]);
  t.match(await claimOnce(db, key), { claimed: true }, 'a click after the window is a new intent');

  await sql("insert into idempotency_key (key, created_at) values ('slack:old', now() - interval '25 hours'), ('api:old', now() - interval '25 hours')");
  t.equal(await sweepOldKeys(em()), 1);
  t.same((await sql("select key from idempotency_key where key like '%old' order by key")).map((r) => r.key), ['api:old'], 'other faces’ keys are left alone');
});
