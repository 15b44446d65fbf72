// Calls to Slack that never throw: every failure (rate limit, 5xx, timeout, expired trigger) is logged with what
// Slack said, and the caller decides what the user is told. Ephemeral replies go to the response URL and fall
// back to chat.postEphemeral, so one failing path still reaches the user.
import type { FastifyBaseLogger } from 'fastify';
import type { types, webApi } from '@slack/bolt';

type WebClient = webApi.WebClient;

export type SlackFailure =
  | { reason: 'rate_limited'; retryAfter: number }
  | { reason: 'slack_error'; error: string }
  | { reason: 'http_error'; status: number }
  | { reason: 'unreachable'; message: string };

export type SlackResult<T> = { ok: true; value: T } | { ok: false; failure: SlackFailure };

/** How long a call to Slack may take before it counts as failed (also the WebClient's timeout). */
export const SLACK_TIMEOUT_MS = 5000;

function describeFailure(error: unknown): SlackFailure {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return { reason: 'rate_limited', retryAfter: e.retryAfter ?? 0 };
    case 'slack_webapi_platform_error':
      return { reason: 'slack_error', error: e.data?.error ?? 'unknown' };
    case 'slack_webapi_http_error':
      return { reason: 'http_error', status: e.statusCode ?? 0 };
    default:
      return { reason: 'unreachable', message: String(e?.message ?? error) };
  }
}

export async function callSlack<T>(log: FastifyBaseLogger, method: string, call: () => Promise<T>): Promise<SlackResult<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const failure = describeFailure(error);
    log.warn({ slackMethod: method, ...failure }, `Slack ${method} failed: ${failureText(failure)}`);
    return { ok: false, failure };
  }
}

function failureText(failure: SlackFailure): string {
  switch (failure.reason) {
    case 'rate_limited':
      return `rate limited, retry after ${failure.retryAfter} s`;
    case 'slack_error':
      return failure.error;
    case 'http_error':
      return `HTTP ${failure.status}`;
    case 'unreachable':
      return failure.message;
  }
}

export interface EphemeralMessage {
  text: string;
  blocks?: types.KnownBlock[];
  /** Replace the ephemeral message the clicked button was on (response URLs only). */
  replaceOriginal?: boolean;
}

/** Where an ephemeral answer goes: the request's response URL, else the channel (for the acting user only). */
export interface ReplyTarget {
  user: string;
  responseUrl?: string | null;
  channel?: string | null;
}

/** Posts to a response URL (valid for 30 minutes, five times); not a Web API method, so not the WebClient. */
async function postToResponseUrl(log: FastifyBaseLogger, url: string, message: EphemeralMessage): Promise<SlackResult<void>> {
  return callSlack(log, 'response_url', async () => {
    const body = { response_type: 'ephemeral', replace_original: message.replaceOriginal ?? false, text: message.text, blocks: message.blocks };
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
    });
    await response.arrayBuffer(); // drain, so the connection is reused
    if (response.status === 429) {
      throw Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: Number(response.headers.get('retry-after')) || 0 });
    }
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: 'slack_webapi_http_error', statusCode: response.status });
  });
}

/** Tells the acting user something only they see. Returns false when no path reached them (already logged). */
export async function replyEphemeral(client: WebClient, log: FastifyBaseLogger, target: ReplyTarget, message: EphemeralMessage): Promise<boolean> {
  if (target.responseUrl && (await postToResponseUrl(log, target.responseUrl, message)).ok) return true;
  if (target.channel) {
    const posted = await callSlack(log, 'chat.postEphemeral', () =>
      client.chat.postEphemeral({ channel: target.channel as string, user: target.user, text: message.text, blocks: message.blocks }),
    );
    if (posted.ok) return true;
  }
  log.error({ user: target.user }, 'an ephemeral reply reached no one');
  return false;
}
