// Slack in tests: signed requests in (as Slack sends them), and a fake Slack Web API out, a real HTTP server on
// 127.0.0.1 that records every call, answers like Slack, and also serves the response URLs given in payloads.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../server.ts';
import { loadConfig } from '../../core/config.ts';
import { testApp, TEST_API_TOKEN } from './app.ts';
import { testDatabase } from './db.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const TEAM_ID = 'T0TEAM';
export const TEAM_DOMAIN = 'acme-support';

interface Teardown {
  teardown(fn: () => unknown): void;
}

// ---------------------------------------------------------------------------------------------------------
// The fake Web API

export interface SlackCall {
  /** A Web API method ("views.open"), or "response_url" for a post to a response URL. */
  method: string;
  body: Record<string, any>;
  /** The path, for response URLs. */
  path: string;
  authorization: string | undefined;
  /** Whether the fake answered with success (2xx, and `ok: true` for Web API methods). */
  delivered: boolean;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Handler = (body: Record<string, any>) => FakeAnswer | Promise<FakeAnswer>;

export interface FakeSlack {
  /** The Web API base URL, with its trailing `/api/`. */
  apiUrl: string;
  /** A response URL served by this fake. */
  responseUrl(name?: string): string;
  calls(method?: string): SlackCall[];
  /** What the user was told ephemerally: delivered response-URL posts and chat.postEphemeral calls, in order. */
  ephemeral(): { text: string; blocks: any[]; via: string; replaceOriginal: boolean }[];
  /** Answers `method` with `handler` from now on (or only the next `times` calls). */
  answer(method: string, handler: Handler, times?: number): void;
  /** Users known to users.info: id → locale and name. */
  users: Record<string, { locale?: string; name?: string }>;
  /** Files known to files.info. */
  files: Record<string, Record<string, unknown>>;
}

function parseApiBody(raw: string, contentType: string): Record<string, any> {
  if (contentType.startsWith('application/json')) return raw ? JSON.parse(raw) : {};
  const body: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      body[key] = /^[[{]/u.test(value) ? JSON.parse(value) : value;
    } catch {
      body[key] = value;
    }
  }
  return body;
}

export async function startFakeSlack(t: Teardown): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const overrides = new Map<string, { handler: Handler; times: number }[]>();
  let views = 0;
  const fake = {} as FakeSlack;
  fake.users = {};
  fake.files = {};

  const defaults: Record<string, Handler> = {
    'users.info': (body) => {
      const known = fake.users[body.user] ?? {};
      const name = known.name ?? `user ${body.user}`;
      return { body: { ok: true, user: { id: body.user, name: body.user.toLowerCase(), real_name: name, profile: { display_name: name }, locale: known.locale ?? 'en-US' } } };
    },
    'views.open': () => ({ body: { ok: true, view: { id: `V${++views}`, hash: `hash-${views}` } } }),
    'views.update': (body) => ({ body: { ok: true, view: { id: body.view_id, hash: `${body.hash}-next` } } }),
    'chat.postEphemeral': () => ({ body: { ok: true, message_ts: '1700000000.000100' } }),
    'files.info': (body) => (fake.files[body.file] ? { body: { ok: true, file: fake.files[body.file] } } : { body: { ok: false, error: 'file_not_found' } }),
    response_url: () => ({ status: 200, body: 'ok' }),
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const path = request.url ?? '';
      const method = path.startsWith('/api/') ? path.slice(5).split('?')[0] : 'response_url';
      const body = parseApiBody(Buffer.concat(chunks).toString('utf8'), String(request.headers['content-type'] ?? ''));
      const call: SlackCall = { method, body, path, authorization: request.headers.authorization, delivered: false };
      calls.push(call);
      const queue = overrides.get(method) ?? [];
      const override = queue[0];
      if (override && --override.times === 0) queue.shift();
      const answer = await (override?.handler ?? defaults[method] ?? (() => ({ body: { ok: true } })))(body);
      const status = answer.status ?? 200;
      call.delivered = status < 300 && (answer.body as { ok?: boolean } | undefined)?.ok !== false;
      const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? { ok: true });
      response.writeHead(status, { 'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json', ...answer.headers });
      response.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  fake.apiUrl = `${base}/api/`;
  fake.responseUrl = (name = randomUUID()) => `${base}/response/${name}`;
  fake.calls = (method) => calls.filter((call) => method === undefined || call.method === method);
  fake.ephemeral = () =>
    calls
      .filter((call) => call.delivered && (call.method === 'response_url' || call.method === 'chat.postEphemeral'))
      .map((call) => ({ text: String(call.body.text ?? ''), blocks: call.body.blocks ?? [], via: call.method, replaceOriginal: call.body.replace_original === true }));
  fake.answer = (method, handler, times = Infinity) => {
    const queue = overrides.get(method) ?? [];
    queue.push({ handler, times });
    overrides.set(method, queue);
  };
  return fake;
}

/** Every text in a message's blocks, flattened: what a user reads. */
export function blockText(blocks: any[]): string {
  const texts: string[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.text === 'string') texts.push(node.text);
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(blocks);
  return texts.join('\n');
}

/** Every button in a message's blocks. */
export function buttons(blocks: any[]): { action_id: string; value?: string; url?: string; text: string; confirm?: unknown }[] {
  const found: any[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'button') found.push({ ...node, text: node.text?.text });
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  walk(blocks);
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// The app, configured for Slack

export interface BotTestApp {
  app: FastifyInstance;
  /** Waits until the work behind every request sent so far is done (listeners run on after their ack). */
  idle(): Promise<void>;
  logs: Record<string, any>[];
}

function slackEnv(fake: FakeSlack, env: Record<string, string>): Record<string, string> {
  return { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: fake.apiUrl, PUBLIC_URL: 'https://contacts.example.com', ...env };
}

export async function botTestApp(t: Teardown, fake: FakeSlack, env: Record<string, string> = {}): Promise<BotTestApp> {
  const { app } = await testApp(t, slackEnv(fake, env));
  return { app, idle: () => app.slackBot!.whenIdle(), logs: [] };
}

/** As botTestApp, with the server's log lines (warn and above) collected: to see that failures are logged. */
export async function botTestAppWithLogs(t: Teardown, fake: FakeSlack, env: Record<string, string> = {}): Promise<BotTestApp> {
  const { orm, url } = await testDatabase(t);
  const config = loadConfig({ API_TOKEN: TEST_API_TOKEN, SESSION_SECRET: 'a-test-session-secret-of-at-least-32-characters', DATABASE_URL: url, ...slackEnv(fake, env) });
  const logs: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildServer({ config, orm, logger: { level: 'warn', stream } });
  t.teardown(() => app.close());
  return { app, idle: () => app.slackBot!.whenIdle(), logs };
}

// ---------------------------------------------------------------------------------------------------------
// Signed requests

export function signature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
  contentType?: string;
}

/** POSTs a body to /slack/events, signed as Slack signs it. */
export function sendSigned(app: FastifyInstance, body: string, options: SendOptions = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return app.inject({
    method: 'POST',
    url: '/slack/events',
    payload: body,
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(body, timestamp, options.secret),
      ...options.headers,
    },
  });
}

export function commandBody(fields: { text: string; user?: string; userName?: string; responseUrl: string; triggerId?: string; team?: string; channel?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.team ?? TEAM_ID,
    team_domain: TEAM_DOMAIN,
    channel_id: fields.channel ?? 'C0SUPPORT',
    channel_name: 'support',
    user_id: fields.user ?? 'U0AGENT',
    user_name: fields.userName ?? 'agent',
    command: '/contact',
    text: fields.text,
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
    api_app_id: 'A0APP',
  }).toString();
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const team = (id = TEAM_ID) => ({ id, domain: TEAM_DOMAIN });
const user = (id = 'U0AGENT') => ({ id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: TEAM_ID });

export function shortcutPayload(fields: { callbackId: string; message: Record<string, unknown>; responseUrl: string; user?: string; triggerId?: string; team?: string; channel?: string }) {
  return {
    type: 'message_action',
    callback_id: fields.callbackId,
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
    action_ts: String(Date.now() / 1000),
    team: team(fields.team),
    user: user(fields.user),
    channel: { id: fields.channel ?? 'C0TICKETS', name: 'tickets' },
    message_ts: (fields.message.ts as string) ?? '1700000000.000200',
    message: { type: 'message', ts: '1700000000.000200', ...fields.message },
    response_url: fields.responseUrl,
    token: 'legacy-verification-token',
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function actionPayload(fields: { actionId: string; value?: string; responseUrl: string; user?: string; triggerId?: string; messageTs?: string }) {
  return {
    type: 'block_actions',
    trigger_id: fields.triggerId ?? `trigger-${randomUUID()}`,
    team: team(),
    user: user(fields.user),
    api_app_id: 'A0APP',
    container: { type: 'message', message_ts: fields.messageTs ?? '1700000000.000300', channel_id: 'C0SUPPORT', is_ephemeral: true },
    channel: { id: 'C0SUPPORT', name: 'support' },
    response_url: fields.responseUrl,
    actions: [{ type: 'button', action_id: fields.actionId, block_id: 'b1', value: fields.value, action_ts: String(Date.now() / 1000) }],
    token: 'legacy-verification-token',
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** A view_submission of an opened modal, with typed values keyed by block id (strings, or {option}/{options}). */
export function viewSubmission(view: Record<string, any>, values: Record<string, string | { option: string | null } | { options: string[] }>, fields: { user?: string; viewId?: string } = {}) {
  const state: Record<string, Record<string, unknown>> = {};
  // Slack sends every input block of the view, empty ones included.
  for (const block of (view.blocks ?? []).filter((b: any) => b.type === 'input')) {
    const type = block.element.type;
    state[block.block_id] = { input: type === 'static_select' ? { type, selected_option: null } : type === 'multi_static_select' ? { type, selected_options: [] } : { type, value: null } };
  }
  for (const [blockId, value] of Object.entries(values)) {
    state[blockId] = {
      input:
        typeof value === 'string'
          ? { type: 'plain_text_input', value }
          : 'option' in value
            ? { type: 'static_select', selected_option: value.option === null ? null : { value: value.option, text: { type: 'plain_text', text: value.option } } }
            : { type: 'multi_static_select', selected_options: value.options.map((v) => ({ value: v, text: { type: 'plain_text', text: v } })) },
    };
  }
  return {
    type: 'view_submission',
    team: team(),
    user: user(fields.user),
    api_app_id: 'A0APP',
    trigger_id: `trigger-${randomUUID()}`,
    view: {
      id: fields.viewId ?? `V-${randomUUID()}`,
      team_id: TEAM_ID,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      hash: 'hash',
      blocks: view.blocks ?? [],
      state: { values: state },
      app_id: 'A0APP',
      bot_id: 'B0BOT',
      title: view.title,
      close: null,
      submit: null,
    },
    token: 'legacy-verification-token',
    is_enterprise_install: false,
    enterprise: null,
  };
}
