// Hostile Slack payloads, signed as Slack signs them: every command, shortcut, button and modal answers without a
// 5xx, a stack trace, a crash in a listener or markup let through, and refused input leaves the database unchanged.
import { createHmac } from 'node:crypto';
import t from 'tap';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { actor } from '../../core/actor.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { PanelClient } from '../panel/client.ts';
import { HOSTILE_TEXT } from '../helpers/hostile.ts';
import {
  startFakeSlack,
  botTestAppWithLogs,
  sendSigned,
  commandBody,
  interactionBody,
  shortcutPayload,
  actionPayload,
  viewSubmission,
  signature,
  blockText,
  SIGNING_SECRET,
  type SlackCall,
} from '../helpers/slack.ts';

// Slack's mrkdwn markup: a name or a message that reaches an answer unescaped would ping or link.
const MARKUP = ['<!channel>', '<!here>', '<@U0BOSS>', '<https://evil.example|Click here>'];
const UNESCAPED = [/<!channel>/u, /<!here>/u, /<@U0BOSS>/u, /<https:\/\/evil\.example/u];

const HOSTILE = [
  ...MARKUP,
  'x'.repeat(200 * 1024),
  ...HOSTILE_TEXT,
  '<script>alert(1)</script> hx-get="/admin"',
  '*bold* _it_ ~strike~ `code` ```block```',
];
const GENERIC_ERROR = /Something went wrong on our side/u;

/** Slack's documented limits on what an app sends; a message over them is refused by Slack and never seen. */
function overLimits(node: unknown, where = ''): string[] {
  const problems: string[] = [];
  const walk = (value: any, path: string) => {
    if (!value || typeof value !== 'object') return;
    if (value.type === 'section' && typeof value.text?.text === 'string' && value.text.text.length > 3000) problems.push(`${path}: section text of ${value.text.text.length}`);
    if (value.type === 'header' && value.text?.text?.length > 150) problems.push(`${path}: header of ${value.text.text.length}`);
    if (value.type === 'button' && (value.text?.text?.length > 75 || String(value.value ?? '').length > 2000)) problems.push(`${path}: button over its limits`);
    if (value.type === 'plain_text_input' && String(value.initial_value ?? '').length > (value.max_length ?? 3000)) problems.push(`${path}: initial value over max_length`);
    if (typeof value.private_metadata === 'string' && value.private_metadata.length > 3000) problems.push(`${path}: private_metadata of ${value.private_metadata.length}`);
    if (typeof value.block_id === 'string' && value.block_id.length > 255) problems.push(`${path}: block_id too long`);
    if (typeof value.action_id === 'string' && value.action_id.length > 255) problems.push(`${path}: action_id too long`);
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(node, where);
  return problems;
}

t.test('Slack fuzzing', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle, logs } = await botTestAppWithLogs(t, fake);
  const db = () => app.orm.em.fork();
  const sql = (query: string, params: unknown[] = []) => db().getConnection().execute(query, params);
  const seed = await createContact(db(), { name: 'Seed Contact', senders: [{ kind: 'email', value: 'seed@example.com' }] }, actor('panel', 1, 'Admin'));
  await createIntegration(db(), { platform: 'allegro', label: 'Main shop' });
  // Idempotency keys are written by every request, refused or not: the rest must not change.
  const tables = ((await sql("select tablename from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm%' and tablename <> 'idempotency_key' order by 1")) as { tablename: string }[]).map((r) => r.tablename);
  const snapshotQuery = `select ${tables.map((table) => `(select json_agg(to_jsonb(r) order by to_jsonb(r)::text) from "${table}" r) as "${table}"`).join(', ')}`;
  const snapshot = async () => JSON.stringify(await sql(snapshotQuery));
  const maxIds = { contact: seed.id, audit_event: Number((await sql('select max(id) as m from audit_event'))[0].m) };
  const removeAdded = async () => {
    for (const [table, max] of Object.entries(maxIds)) await sql(`delete from "${table}" where id > ?`, [max]);
  };
  /** As sendSigned, for bytes that are not valid UTF-8 too: Slack signs the raw body. */
  const signed = (body: string | Buffer, contentType = 'application/x-www-form-urlencoded'): Promise<LightMyRequestResponse> => {
    const timestamp = Math.floor(Date.now() / 1000);
    const mac = createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:`).update(body).digest('hex');
    return app.inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${mac}` } });
  };
  let serial = 0;
  const ts = () => `17${String(1e8 + serial++).slice(1)}.000100`; // a new message per probe: no double-click dedupe

  /**
   * Sends one signed body, waits for the work behind it, and checks the HTTP answer and everything told to Slack.
   * `crashes` allows a logged error (for payloads whose very shape is not Slack's).
   */
  const probe = async (t: { fail(message: string): void }, label: string, body: string | Buffer, options: { contentType?: string; crashes?: boolean } = {}) => {
    const calls = fake.calls().length;
    const logged = logs.length;
    const before = await snapshot();
    const res = await signed(body, options.contentType);
    await idle();
    const said = fake.calls().slice(calls);
    if (res.statusCode >= 500) t.fail(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`);
    if (/\n\s+at .+:\d+:\d+/u.test(res.body)) t.fail(`${label}: a stack trace in the answer`);
    if (res.statusCode >= 400) {
      const error = res.json().error;
      if (!error) t.fail(`${label} → ${res.statusCode} without a reason`);
    }
    const ackErrors = res.statusCode === 200 && res.body.startsWith('{') ? res.json().response_action === 'errors' : false;
    for (const call of said) check(t, label, call);
    check(t, label, { method: 'ack', body: res.body.startsWith('{') ? res.json() : { text: res.body } } as SlackCall);
    for (const line of logs.slice(logged)) {
      if (line.level >= 50 && !options.crashes) t.fail(`${label}: a listener failed: ${line.msg} ${String(line.err?.message ?? '').slice(0, 200)}`);
    }
    if ((res.statusCode >= 400 || ackErrors) && (await snapshot()) !== before) t.fail(`${label} was refused but changed the database`);
    return { res, said, ackErrors };
  };

  const check = (t: { fail(message: string): void }, label: string, call: SlackCall) => {
    const body = call.body ?? {};
    const texts = [String(body.text ?? ''), blockText(body.blocks ?? []), JSON.stringify(body.errors ?? '')].join('\n');
    if (call.method === 'response_url' || call.method === 'chat.postEphemeral' || call.method === 'ack') {
      for (const pattern of UNESCAPED) if (pattern.test(texts)) t.fail(`${label}: ${pattern} reached ${call.method} unescaped`);
      if (GENERIC_ERROR.test(texts)) t.fail(`${label}: the user was told something went wrong`);
      if (String(body.text ?? '').length > 40_000) t.fail(`${label}: a message text of ${String(body.text).length} characters`);
    }
    if (/\n\s+at .+:\d+:\d+/u.test(texts)) t.fail(`${label}: a stack trace reached Slack`);
    for (const problem of overLimits(body.view ?? body, call.method)) t.fail(`${label}: ${problem}`);
  };

  t.test('/contact with hostile text after every subcommand', async (t) => {
    for (const value of HOSTILE) {
      for (const text of [value, `find ${value}`, `show ${value}`, `add ${value}`, `edit ${value}`, `help ${value}`]) {
        await probe(t, `/contact ${text.slice(0, 40)}`, commandBody({ text, responseUrl: fake.responseUrl() }));
      }
    }
    // Slack's own markup in command text is unwrapped to its label; what is left is escaped when echoed.
    const find = await probe(t, 'find markup', commandBody({ text: `find ${MARKUP.join(' ')} 1 < 2 & 3`, responseUrl: fake.responseUrl() }));
    t.match(find.said.find((c) => c.method === 'response_url')?.body.text, /Click here 1 &lt; 2 &amp; 3/, 'the query is shown, escaped');
    const open = await probe(t, 'add markup', commandBody({ text: `add ${'y'.repeat(5000)}`, responseUrl: fake.responseUrl() }));
    t.equal(open.said.find((c) => c.method === 'views.open')?.body.view.blocks.find((b: any) => b.block_id === 'name').element.initial_value.length, 200, 'a long name is cut to what the form takes');
  });

  t.test('unknown fields, missing fields and wrong types in a command', async (t) => {
    const base = Object.fromEntries(new URLSearchParams(commandBody({ text: 'find seed', responseUrl: fake.responseUrl() })));
    const variants: Record<string, string>[] = [
      { ...base, extra_field: '<!channel>', enterprise_id: 'E0', is_enterprise_install: 'maybe' },
      { ...base, user_id: '' },
      { ...base, response_url: 'not a url' },
      { ...base, response_url: 'http://127.0.0.1:1/unreachable' },
      { ...base, trigger_id: '' },
      { ...base, channel_id: '' },
      Object.fromEntries(Object.entries(base).filter(([key]) => key !== 'text')),
      Object.fromEntries(Object.entries(base).filter(([key]) => key !== 'user_id' && key !== 'response_url')),
    ];
    for (const fields of variants) {
      const { res } = await probe(t, `command ${JSON.stringify(fields).slice(0, 60)}`, new URLSearchParams(fields).toString());
      t.ok(res.statusCode < 500, `→ ${res.statusCode}`);
    }
  });

  t.test('message shortcuts on hostile messages', async (t) => {
    for (const callbackId of ['add_requester', 'lookup_requester']) {
      for (const value of HOSTILE) {
        const messages: Record<string, unknown>[] = [
          { text: value, ts: ts() },
          { text: `From: ${value} <${value}>`, ts: ts() },
          { text: 'Ticket', ts: ts(), blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: value }] }] }] },
          { text: 'Ticket', ts: ts(), files: [{ id: value, name: value, mimetype: 'message/rfc822', from: [{ address: value, name: value }] }] },
          { text: 'Ticket', ts: ts(), attachments: [{ fallback: value, text: value, fields: [{ title: 'From', value }] }] },
        ];
        for (const message of messages) {
          const { said } = await probe(t, `${callbackId} ${JSON.stringify(message).slice(0, 60)}`, interactionBody(shortcutPayload({ callbackId, message, responseUrl: fake.responseUrl() })));
          if (said.some((c) => c.method === 'response_url' && /added/iu.test(String(c.body.text)))) await removeAdded();
        }
      }
    }
    await removeAdded();
    t.pass('probed');
  });

  t.test('buttons with hostile values', async (t) => {
    const actions = ['contact_details', 'contact_edit', 'contact_add', 'contact_delete', 'requester_add', 'requester_enter', 'contact_open_in_panel', 'contact_list_open'];
    const values = [...HOSTILE, `${seed.id}`, `${seed.id}:999`, `${seed.id}:-1`, '0:0', `${seed.id}:1:1`, '1e3', '{"requester":{"kind":"email","value":"<!channel>@x.y"}}', '{"kind":"handle","value":"<!here>"}', 'null'];
    for (const actionId of actions) {
      for (const value of values) {
        await probe(t, `${actionId} ${JSON.stringify(value.slice(0, 40))}`, interactionBody(actionPayload({ actionId, value, responseUrl: fake.responseUrl(), messageTs: ts() })));
        await removeAdded(); // "add requester" with a value that parses adds a contact; the others must not
      }
    }
    t.ok(await db().getConnection().execute('select 1 from contact where id = ?', [seed.id]).then((rows) => rows.length === 1), 'the seed contact is still there');
  });

  t.test('modal submissions with hostile values in every field', async (t) => {
    await probe(t, 'open add', commandBody({ text: 'add', responseUrl: fake.responseUrl() }));
    const addView = fake.calls('views.open').at(-1)!.body.view;
    /** The edit form as it is now (its version changes with every accepted edit). */
    const openEdit = async () => {
      await probe(t, 'open edit', interactionBody(actionPayload({ actionId: 'contact_edit', value: String(seed.id), responseUrl: fake.responseUrl(), messageTs: ts() })));
      return fake.calls('views.update').at(-1)!.body.view;
    };
    const editView = await openEdit();
    await probe(t, 'open requester', interactionBody(actionPayload({ actionId: 'requester_enter', value: 'https://acme.slack.com/archives/C0/p1', responseUrl: fake.responseUrl(), messageTs: ts() })));
    const requesterView = fake.calls('views.open').at(-1)!.body.view;
    t.same([addView.callback_id, editView.callback_id, requesterView.callback_id], ['contact_add', 'contact_edit', 'requester_entry']);

    const statuses = { accepted: 0, refused: 0 };
    for (const value of HOSTILE) {
      const editView = await openEdit();
      const submissions: [string, Record<string, unknown>, Record<string, any>][] = [
        ['add name', addView, { name: value }],
        ['add senders', addView, { name: 'Fuzz Person', senders: `${value}\n${value} (allegro)\n+48 ${value}` }],
        ['add selects', addView, { name: 'Fuzz Person', country: { option: value }, language: { option: value }, integrations: { options: [value, '-1'] } }],
        ['add note', addView, { name: 'Fuzz Person', note: value }],
        ['edit name', editView, { name: value, senders: 'seed@example.com' }],
        ['edit senders', editView, { name: 'Seed Contact', senders: value }],
        ['requester', requesterView, { displayName: value, email: value, phone: value, handle: value, platform: { option: value } }],
        ['requester name only', requesterView, { displayName: value, email: 'fuzz.requester@example.com' }],
      ];
      for (const [name, view, values] of submissions) {
        const { res, ackErrors } = await probe(t, `${name} ${JSON.stringify(value.slice(0, 30))}`, interactionBody(viewSubmission(view, values)));
        if (res.statusCode === 200 && !ackErrors) statuses.accepted++;
        else statuses.refused++;
        await removeAdded();
      }
    }
    t.ok(statuses.refused > 0 && statuses.accepted > 0, `accepted ${statuses.accepted}, refused ${statuses.refused}`);

    // What Slack round-trips untouched may still be garbage when the payload is forged with the signing secret.
    for (const metadata of ['', 'not json', 'null', '[]', '{"contactId":"1 or 1=1","version":"x","locale":"xx","responseUrl":42}', `{"contactId":${seed.id},"version":-1}`, `{"contactId":999999999,"version":1}`]) {
      // Without a response URL or channel in the metadata, the confirmation reaches no one: logged as an error.
      const { res } = await probe(t, `metadata ${metadata}`, interactionBody(viewSubmission({ ...editView, private_metadata: metadata }, { name: 'Metadata Person' })), { crashes: true });
      t.ok(res.statusCode < 500);
      await removeAdded();
    }
    t.equal((await sql('select count(*)::int as n from contact where id = ?', [seed.id]))[0]?.n, 1, 'the seed contact is still there');
  });

  t.test('payloads whose shape is not Slack’s', async (t) => {
    const shapes: unknown[] = [
      {},
      { type: 'block_actions' },
      { type: 'block_actions', actions: 'x', user: 'U0AGENT', team: null },
      { type: 'block_actions', actions: [], user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' } },
      { type: 'block_actions', actions: [{ action_id: 'contact_details', value: { $gt: '' } }], user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' }, container: { message_ts: ts() } },
      { type: 'view_submission', view: null, user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' } },
      { type: 'view_submission', view: { callback_id: 'contact_add', id: 'V1', state: { values: 'nope' } }, user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' } },
      { type: 'view_submission', view: { callback_id: 'contact_add', id: 'V2', state: { values: { name: { input: { type: 'plain_text_input', value: ['<!channel>'] } } } } }, user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' } },
      { type: 'message_action', callback_id: 'lookup_requester', message: null, user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' }, channel: { id: 'C0' }, trigger_id: 't', response_url: fake.responseUrl() },
      { type: 'message_action', callback_id: 'add_requester', message: { text: 42, ts: ts(), files: 'x' }, user: { id: 'U0AGENT' }, team: { id: 'T0TEAM' }, channel: { id: 'C0' }, trigger_id: 't', response_url: fake.responseUrl() },
      { type: 'event_callback', event_id: 'Ev1', event: { type: 'app_mention', text: '<!channel>' } },
      { type: 'unknown_type', __proto__: { admin: true } },
      { type: 'url_verification', challenge: { nested: true } },
      [1, 2, 3],
      'just a string',
    ];
    for (const shape of shapes) {
      const { res } = await probe(t, `shape ${JSON.stringify(shape).slice(0, 70)}`, new URLSearchParams({ payload: JSON.stringify(shape) }).toString(), { crashes: true });
      t.ok(res.statusCode < 500, `${JSON.stringify(shape).slice(0, 70)} → ${res.statusCode}`);
    }
    t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted');

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('block_actions', 'view_submission', 'message_action', 'shortcut'), callback_id: fc.constantFrom('add_requester', 'contact_add', 'requester_entry'), user: fc.jsonValue(), actions: fc.jsonValue(), view: fc.jsonValue(), message: fc.jsonValue() })), async (value) => {
        const { res } = await probe(t, `random ${JSON.stringify(value).slice(0, 70)}`, new URLSearchParams({ payload: JSON.stringify(value) }).toString(), { crashes: true });
        await removeAdded();
        return res.statusCode < 500;
      }),
      { numRuns: 80 },
    );
  });

  t.test('broken bodies: invalid UTF-8, wrong content types, oversized', async (t) => {
    const invalid = Buffer.concat([Buffer.from(commandBody({ text: '', responseUrl: fake.responseUrl() }).replace('text=', 'text=find+'), 'latin1'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf])]);
    t.equal((await probe(t, 'raw invalid UTF-8', invalid)).res.statusCode, 200, 'answered (the broken bytes become U+FFFD)');
    t.equal((await probe(t, 'encoded invalid UTF-8', commandBody({ text: 'x', responseUrl: fake.responseUrl() }).replace('text=x', 'text=find+%FF%FE%ED%A0%80'))).res.statusCode, 200);
    t.equal((await probe(t, 'invalid UTF-8 in JSON', Buffer.from('{"type":"url_verification","challenge":"\xff"}', 'latin1'), { contentType: 'application/json' })).res.statusCode, 200);
    t.equal((await probe(t, 'plain text', 'text=find+seed', { contentType: 'text/plain' })).res.statusCode, 415);
    t.equal((await probe(t, 'xml', '<payload/>', { contentType: 'application/xml' })).res.statusCode, 415);
    t.equal((await probe(t, 'multipart', '--b\r\n\r\n--b--', { contentType: 'multipart/form-data; boundary=b' })).res.statusCode, 415);
    t.equal((await probe(t, 'empty', '')).res.statusCode, 404, 'nothing to answer');
    t.equal((await probe(t, 'broken JSON payload', 'payload=%7B%22type%22')).res.statusCode, 400);
    const huge = await probe(t, 'oversized', commandBody({ text: `find ${'x'.repeat(2 * 1024 * 1024)}`, responseUrl: fake.responseUrl() }));
    t.equal(huge.res.statusCode, 413, 'over the 1 MB body limit');
    t.match(huge.res.json().error.message, /too large/i);
    const retry = await app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: commandBody({ text: 'help', responseUrl: fake.responseUrl() }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-retry-num': '<!channel>', 'x-slack-retry-reason': 'x'.repeat(10_000) },
    });
    t.equal(retry.statusCode, 401, 'unsigned, garbage retry headers or not');
  });
});

t.test('the Slack endpoint is not throttled by address, while sign-in is', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestAppWithLogs(t, fake);
  const address = '203.0.113.7';
  const statuses: number[] = [];
  // Slack sends everything from a few addresses: a per-address limit would drop real agents' requests.
  for (let batch = 0; batch < 12; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => {
        const body = commandBody({ text: 'help', responseUrl: fake.responseUrl() });
        const timestamp = Math.floor(Date.now() / 1000);
        return app.inject({
          method: 'POST',
          url: '/slack/events',
          remoteAddress: address,
          payload: body,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature(body, timestamp) },
        });
      }),
    );
    statuses.push(...answers.map((a) => a.statusCode));
  }
  await idle();
  t.equal(statuses.length, 120);
  t.same([...new Set(statuses)], [200], '120 signed requests from one address, all answered');
  t.equal(fake.ephemeral().length, 120, 'and every one got its answer');

  const login = new PanelClient(app);
  await login.get('/login');
  const token = await login.csrfToken();
  let last = 0;
  for (let i = 0; i < 21; i++) {
    last = (
      await app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress: address,
        payload: new URLSearchParams({ _csrf: token, email: `nobody${i}@example.com`, password: 'wrong-password' }).toString(),
        headers: { cookie: login.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      })
    ).statusCode;
  }
  t.equal(last, 429, 'the same address is limited on the sign-in form');
  const slackAfter = await sendSigned(app, commandBody({ text: 'help', responseUrl: fake.responseUrl() }));
  t.equal(slackAfter.statusCode, 200, 'and Slack is still served');
  await idle();
});
