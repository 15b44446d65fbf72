// A Bolt receiver inside the Fastify server: POST /slack/events on the same port as the panel and the API.
// It keeps the raw body (its own content-type parsers, so the panel's form parser is untouched), verifies
// Slack's signature and a 5-minute timestamp window in both directions, answers url_verification, and hands
// the payload to Bolt; the listener's ack becomes the HTTP response, and its work continues after it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import type { App, Receiver } from '@slack/bolt';

export const EVENTS_PATH = '/slack/events';
/** Slack's rule: a request more than five minutes from now, either way, may be a replay. */
const MAX_CLOCK_SKEW_SECONDS = 300;

type Verdict = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(signingSecret: string, headers: Record<string, unknown>, raw: Buffer, nowSeconds: number): Verdict {
  const timestamp = headers['x-slack-request-timestamp'];
  const signature = headers['x-slack-signature'];
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/u.test(timestamp)) return { ok: false, reason: 'missing or malformed timestamp' };
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/u.test(signature)) return { ok: false, reason: 'missing or malformed signature' };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return { ok: false, reason: 'timestamp outside the 5-minute window' };
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(raw).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

/** Interactions arrive as `payload=<json>`, commands as a flat form, events as JSON; null when none parses to an object. */
function parseBody(raw: Buffer, contentType: string): Record<string, unknown> | null {
  try {
    const text = raw.toString('utf8');
    if (contentType.startsWith('application/json')) return asObject(JSON.parse(text));
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    return payload !== null ? asObject(JSON.parse(payload)) : Object.fromEntries(form);
  } catch {
    return null;
  }
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function retryHeader(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,3}$/u.test(value) ? Number(value) : undefined;
}

function send(reply: FastifyReply, response: unknown) {
  if (response === undefined || response === null || response === '') return reply.code(200).send('');
  if (typeof response === 'string') return reply.code(200).type('text/plain; charset=utf-8').send(response);
  return reply.code(200).send(response);
}

export class FastifyReceiver implements Receiver {
  #bolt: App | null = null;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly signingSecret: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  init(bolt: App): void {
    this.#bolt = bolt;
  }

  // The Fastify server owns the port: Bolt has nothing to start or stop.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** Resolves when the work of every request received so far has finished (listeners run on after their ack). */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** The route, as an encapsulated plugin: its body parsers apply to it alone. */
  readonly routes = async (scope: FastifyInstance): Promise<void> => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/x-www-form-urlencoded', 'application/json'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post(EVENTS_PATH, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifySlackSignature(this.signingSecret, request.headers, raw, Math.floor(Date.now() / 1000));
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, 'rejected a Slack request');
        return reply.code(401).send({ error: 'invalid_request_signature' });
      }
      const body = parseBody(raw, String(request.headers['content-type'] ?? ''));
      if (!body) return reply.code(400).send({ error: 'unreadable_body' });
      if (body.ssl_check) return reply.code(200).send('');
      if (body.type === 'url_verification') return { challenge: String(body.challenge ?? '') };
      return this.dispatch(body, request.headers, reply);
    });
  };

  private async dispatch(body: Record<string, unknown>, headers: Record<string, unknown>, reply: FastifyReply) {
    const bolt = this.#bolt;
    if (!bolt) throw new Error('the Slack receiver was not initialised by Bolt');
    let answer!: (outcome: { response: unknown } | null) => void;
    const answered = new Promise<{ response: unknown } | null>((resolve) => (answer = resolve));
    const work = bolt
      .processEvent({
        body,
        retryNum: retryHeader(headers['x-slack-retry-num']),
        retryReason: typeof headers['x-slack-retry-reason'] === 'string' ? headers['x-slack-retry-reason'] : undefined,
        ack: async (response?: unknown) => answer({ response }),
      })
      .catch((error: unknown) => this.log.error({ err: error }, 'a Slack request failed after it was received'))
      .finally(() => answer(null)); // a no-op once acked
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
    const outcome = await answered;
    if (!outcome) {
      this.log.warn({ type: body.type ?? body.command ?? null }, 'no listener acknowledged a Slack request');
      return reply.code(404).send({ error: 'no_listener' });
    }
    return send(reply, outcome.response);
  }
}
