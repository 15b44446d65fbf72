// HTTP load against the real server in a child process: the API list, the panel's list and search partial,
// and Slack's /slack/events (signed commands and shortcuts, replies going to a fake Web API on loopback).
// Faces that are not mounted (404) are reported as "not available" instead of failing the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon, { type RequestSpec } from 'autocannon';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface LoadResult {
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  total: number;
}

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
  /** What the server wrote to stderr (for diagnostics when it fails). */
  stderr(): string;
}

/** The arguments `npm start` gives node, read from package.json so the server runs here exactly as users run it. */
const START_ARGS = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/u).slice(1);

/** Starts the server as `npm start` does (node directly, so the sampled pid is the server's) and waits for /readyz. */
export async function startServer(env: Record<string, string>, port: number): Promise<RunningServer> {
  const child = spawn(process.execPath, START_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url, child, 60_000, () => stderr);
  return { url, pid: child.pid as number, stop: () => stopChild(child), stderr: () => stderr };
}

/** Polls /readyz until 200; fails if the process exits first or the time runs out. */
export async function waitForReady(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s: ${stderr().slice(-2000)}`);
}

/** SIGTERM (graceful), then SIGKILL if it lingers. `group` signals the whole process group (npm start). */
export async function stopChild(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => (group ? process.kill(-(child.pid as number), name) : child.kill(name));
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Samples the resident set size of a process (Linux /proc) and keeps the peak. */
export class RssSampler {
  peakBytes = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.sample();
  }
  private sample(): void {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/u.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'))?.[1] ?? 0);
      this.peakBytes = Math.max(this.peakBytes, kb * 1024);
    } catch {
      // the process is gone, or this is not Linux: the peak so far stands
    }
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }
}

export async function load(url: string, connections: number, seconds: number, requests: RequestSpec[], headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration: seconds, requests, headers, timeout: 10 });
  return {
    connections,
    seconds,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

// ---------------------------------------------------------------------------------------------------------
// API

/** Fragments the HTTP runs cycle through: common, sorts-last, phone, e-mail domain, one character. */
export const HTTP_FRAGMENTS = ['nowak', 'zofia', '601 23', '@wp.pl', 'k', 'kowal', 'lukasz', 'ski'];

export function apiListRequests(): RequestSpec[] {
  return HTTP_FRAGMENTS.map((q) => ({ method: 'GET', path: `/api/v1/contacts?q=${encodeURIComponent(q)}` }));
}

// ---------------------------------------------------------------------------------------------------------
// Panel: sign in through the login form, then the list page and the htmx search partial

type Jar = Map<string, string>;

function remember(jar: Jar, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'iu').exec(tag);
  const raw = match ? (match[2] ?? match[3] ?? match[4]) : undefined;
  return raw?.replace(/&amp;/gu, '&').replace(/&quot;/gu, '"').replace(/&#39;/gu, "'").replace(/&lt;/gu, '<').replace(/&gt;/gu, '>');
}

/**
 * Signs in like a browser: GET /login, fill the form that has a password field (hidden fields such as the
 * CSRF token kept), POST it, and keep the session cookie. Null when there is no login page (panel not mounted).
 */
export async function panelSignIn(url: string, email: string, password: string): Promise<string | null> {
  const jar: Jar = new Map();
  const page = await fetch(`${url}/login`, { redirect: 'manual' });
  if (page.status === 404) return null;
  remember(jar, page);
  const html = await page.text();
  const form = [...html.matchAll(/<form\b[^>]*>[\s\S]*?<\/form>/giu)].map((m) => m[0]).find((f) => /type\s*=\s*["']?password/iu.test(f));
  if (!form) throw new Error(`GET /login answered ${page.status} without a form with a password field`);
  const fields = new URLSearchParams();
  for (const [tag] of form.matchAll(/<input\b[^>]*>/giu)) {
    const name = attribute(tag, 'name');
    if (!name) continue;
    const type = (attribute(tag, 'type') ?? 'text').toLowerCase();
    if (type === 'password') fields.set(name, password);
    else if (type === 'email' || /e-?mail|login|user/iu.test(name)) fields.set(name, email);
    else if (type === 'hidden') fields.set(name, attribute(tag, 'value') ?? '');
  }
  const action = new URL(attribute(form.slice(0, form.indexOf('>') + 1), 'action') ?? '/login', `${url}/login`);
  const response = await fetch(action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar), origin: url, 'sec-fetch-site': 'same-origin' },
    body: fields.toString(),
  });
  remember(jar, response);
  const check = await fetch(`${url}/contacts`, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
  if (check.status !== 200) throw new Error(`signing in to the panel failed: POST ${action.pathname} answered ${response.status}, then GET /contacts answered ${check.status}`);
  return cookieHeader(jar);
}

/** What htmx sends with active search: the panel answers the results fragment instead of the whole page. */
const PARTIAL_HEADERS = { 'hx-request': 'true', 'hx-target': '#results' };

/** The list page (full HTML) or the search partial (the same URL with the htmx headers). */
export function panelRequests(partial: boolean): RequestSpec[] {
  return HTTP_FRAGMENTS.map((q) => ({
    method: 'GET',
    path: `/contacts?q=${encodeURIComponent(q)}`,
    ...(partial ? { headers: PARTIAL_HEADERS } : {}),
  }));
}

/** True when the search partial really is a fragment (no <html> document around it). */
export async function panelPartialIsFragment(url: string, cookie: string): Promise<boolean> {
  const response = await fetch(`${url}/contacts?q=nowak`, { headers: { cookie, ...PARTIAL_HEADERS } });
  return response.status === 200 && !/<html/iu.test(await response.text());
}

// ---------------------------------------------------------------------------------------------------------
// Slack: signed requests in, a fake Web API out

export interface FakeSlack {
  /** The base URL for SLACK_API_URL (with the trailing /api/). */
  apiUrl: string;
  responseUrl: string;
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** A loopback stand-in for slack.com: every Web API method and every response_url answers ok, and is counted. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const method = (request.url ?? '').split('?')[0].replace(/^\/api\//u, '');
      calls.set(method, (calls.get(method) ?? 0) + 1);
      const body: Record<string, unknown> = { ok: true };
      if (method === 'users.info') body.user = { id: 'U0BENCH', name: 'bench', real_name: 'Bench Agent', locale: 'en-US', tz: 'Europe/Warsaw' };
      if (method === 'views.open' || method === 'views.update') body.view = { id: 'V0BENCH', hash: 'h' };
      if (method === 'chat.postEphemeral' || method === 'chat.postMessage') Object.assign(body, { message_ts: '1.1', ts: '1.1', channel: 'C0BENCH' });
      if (method === 'chat.getPermalink') body.permalink = 'https://bench.slack.com/archives/C0BENCH/p1';
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: `${base}/response/bench`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function signed(secret: string, body: string): Record<string, string> {
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature };
}

const TEAM = { id: 'T0BENCH', domain: 'bench' };
const USER = { id: 'U0BENCH', name: 'bench', username: 'bench', team_id: TEAM.id };

/** `/contact find <fragment>` as Slack posts it, signed afresh for every request. */
let commandCount = 0;

export function slackCommandRequests(secret: string, responseUrl: string): RequestSpec[] {
  return HTTP_FRAGMENTS.map((fragment) => ({
    method: 'POST',
    path: '/slack/events',
    setupRequest: (request) => {
      const body = new URLSearchParams({
        token: 'bench', team_id: TEAM.id, team_domain: TEAM.domain, channel_id: 'C0BENCH', channel_name: 'support',
        user_id: USER.id, user_name: USER.name, command: '/contact', text: `find ${fragment}`, api_app_id: 'A0BENCH',
        response_url: responseUrl, trigger_id: `${Date.now()}.${++commandCount}.bench`, // unique, or it counts as a retry
      }).toString();
      return { ...request, body, headers: signed(secret, body) };
    },
  }));
}

/** The `add_requester` message shortcut on a ticket from a new customer each time (so each one creates a contact). */
export function slackShortcutRequests(secret: string, responseUrl: string, runId: string): RequestSpec[] {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/slack/events',
      setupRequest: (request) => {
        const address = `bench.${runId}.${++n}@ticket-bench.example`;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(n).padStart(6, '0')}`;
        const payload = {
          type: 'message_action', token: 'bench', action_ts: ts, callback_id: 'add_requester', trigger_id: `${n}.1.bench`,
          team: TEAM, user: USER, channel: { id: 'C0BENCH', name: 'support' }, response_url: responseUrl, message_ts: ts,
          message: { type: 'message', user: 'U0HELPDESK', ts, text: `New ticket from Anna Bench <mailto:${address}|${address}>` },
        };
        const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        return { ...request, body, headers: signed(secret, body) };
      },
    },
  ];
}

/**
 * Slack's own pattern: `size` agents acting at the same moment, then a pause while the work behind each ack
 * finishes (the answers reach the fake's response URL). Times each ack. A sustained flood (`load`) instead measures
 * saturation: every ack adds background work, so acks queue behind ever more searches.
 */
export async function bursts(url: string, fake: FakeSlack, requests: RequestSpec[], rounds: number, size = 20): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    const before = fake.calls.get('/response/bench') ?? 0;
    await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const spec = requests[(round * size + i) % requests.length];
        const { body, headers } = (spec.setupRequest?.({ ...spec, path: spec.path ?? '/' } as never, {} as never) ?? spec) as { body: string; headers: Record<string, string> };
        const sent = performance.now();
        const response = await fetch(`${url}${spec.path}`, { method: 'POST', body, headers }).catch(() => null);
        latencies.push(performance.now() - sent);
        if (!response || response.status !== 200) errors++;
        await response?.arrayBuffer();
      }),
    );
    // Let the work behind these acks finish before the next burst (answers counted at the fake, 10 s at most).
    for (let waited = 0; waited < 10_000 && (fake.calls.get('/response/bench') ?? 0) < before + size; waited += 20) await sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10;
  return { connections: size, seconds: Math.round(seconds), requestsPerSecond: Math.round(latencies.length / seconds), p50: at(0.5), p99: at(0.99), max: at(1), errors, total: latencies.length };
}

/** True when the server answers something other than 404 for the route. */
export async function routeExists(url: string, method: string, pathname: string): Promise<boolean> {
  const response = await fetch(`${url}${pathname}`, { method, redirect: 'manual', headers: method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}, body: method === 'POST' ? '' : undefined });
  await response.arrayBuffer();
  return response.status !== 404;
}
