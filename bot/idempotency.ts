// Exactly-once handling of Slack retries and double clicks, across instances: the first request to insert its
// key into idempotency_key acts; the others only acknowledge (replaying a stored modal answer when there is one).
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/** A double click or an interactive retry arrives within seconds; a later repeat is a new intent. */
const CLICK_WINDOW_SECONDS = 10;
/** Trigger and event ids are unique per intent: any repeat of one is a retry. Kept a day, then swept. */
const RETRY_WINDOW_SECONDS = 24 * 60 * 60;
const KEY_PREFIX = 'slack:';

export interface DedupeKey {
  key: string;
  windowSeconds: number;
}

// Slack's payloads, read defensively: any missing part makes the key less specific, never throws.
type Body = Record<string, any>;

function keyOf(kind: string, parts: unknown[], windowSeconds: number): DedupeKey {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
  return { key: `${KEY_PREFIX}${kind}:${digest}`, windowSeconds };
}

/** What makes two requests the same intent; null for requests that may repeat freely (menus, view closes). */
export function dedupeKeyOf(body: Body): DedupeKey | null {
  const team = body.team_id ?? body.team?.id ?? body.user?.team_id ?? null;
  if (typeof body.command === 'string') {
    return body.trigger_id ? keyOf('command', [team, body.trigger_id], RETRY_WINDOW_SECONDS) : null;
  }
  switch (body.type) {
    case 'message_action':
      return keyOf('shortcut', [team, body.callback_id, body.user?.id, body.channel?.id, body.message?.ts], CLICK_WINDOW_SECONDS);
    case 'block_actions': {
      const action = body.actions?.[0] ?? {};
      const where = body.container?.message_ts ?? body.container?.view_id ?? body.view?.id ?? null;
      return keyOf('action', [team, body.user?.id, action.action_id, action.value ?? null, where], CLICK_WINDOW_SECONDS);
    }
    case 'view_submission':
      return keyOf('view', [team, body.view?.id, body.view?.state?.values ?? null], CLICK_WINDOW_SECONDS);
    case 'event_callback':
      return body.event_id ? keyOf('event', [team, body.event_id], RETRY_WINDOW_SECONDS) : null;
    default:
      return null;
  }
}

export interface Claim {
  claimed: boolean;
  /** For a repeat: what the first request answered, when it stored an answer. */
  result: Record<string, unknown> | null;
}

/** What a claim runs on: a small pool of its own (see bot/index.ts), so the ack never queues behind searches. */
export interface Queryable {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** Claims a key; an expired key (older than its window) is claimed again in the same atomic statement. */
export async function claimOnce(db: Queryable, { key, windowSeconds }: DedupeKey): Promise<Claim> {
  const claimed = await db.query<{ key: string }>(
    `insert into idempotency_key (key, created_at, result) values ($1, now(), null)
     on conflict (key) do update set created_at = now(), result = null
       where idempotency_key.created_at < now() - make_interval(secs => $2)
     returning key`,
    [key, windowSeconds],
  );
  if (claimed.rows.length > 0) return { claimed: true, result: null };
  const existing = await db.query<{ result: Record<string, unknown> | null }>('select result from idempotency_key where key = $1', [key]);
  return { claimed: false, result: existing.rows[0]?.result ?? null };
}

/** Stores the answer a repeat of this request should get (a modal's field errors). */
export async function rememberAnswer(em: EntityManager, key: string, answer: object): Promise<void> {
  await em.getConnection().execute('update idempotency_key set result = ? where key = ?', [JSON.stringify(answer), key]);
}

/** Deletes this face's keys older than the longest window. */
export async function sweepOldKeys(em: EntityManager): Promise<number> {
  const rows = await em
    .getConnection()
    .execute<{ key: string }[]>(`delete from idempotency_key where key like ? and created_at < now() - make_interval(secs => ?) returning key`, [`${KEY_PREFIX}%`, RETRY_WINDOW_SECONDS]);
  return rows.length;
}
