// Global middleware, run before any listener: refuse other workspaces (SLACK_TEAM_ID), then let only the first
// of repeated requests through (Slack retries, double clicks), across instances.
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { t } from '../core/i18n/index.ts';
import { claimOnce, dedupeKeyOf } from './idempotency.ts';
import type { BotDeps } from './context.ts';

/** Where the claimed idempotency key is kept in Bolt's context, for listeners that store their answer. */
export const DEDUPE_KEY = 'dedupeKey';

type Body = Record<string, any>; // Slack's payload, read defensively

function teamOf(body: Body): string | null {
  return body.team_id ?? body.team?.id ?? body.user?.team_id ?? body.view?.team_id ?? null;
}

export function refuseOtherWorkspaces(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  const allowed = deps.config.SLACK_TEAM_ID;
  return async (args) => {
    const body = args.body as Body;
    if (!allowed || teamOf(body) === allowed) return args.next();
    deps.log.warn({ team: teamOf(body) }, 'refused a Slack request from another workspace');
    if (!('ack' in args) || !args.ack) return;
    const text = t(deps.config.DEFAULT_LOCALE, 'bot.team.refused');
    await (typeof body.command === 'string' ? args.ack({ response_type: 'ephemeral', text } as never) : args.ack());
  };
}

export function onlyOnce(deps: BotDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as Body;
    const key = dedupeKeyOf(body);
    if (!key) return args.next();
    const ack = 'ack' in args && args.ack ? args.ack : null;
    let claim;
    try {
      claim = await claimOnce(deps.claims, key);
    } catch (error) {
      deps.log.error({ err: error }, 'could not record a Slack request (database unavailable?)');
      const text = t(deps.config.DEFAULT_LOCALE, 'bot.error.generic');
      if (ack) await (typeof body.command === 'string' ? ack({ response_type: 'ephemeral', text } as never) : ack());
      return;
    }
    if (claim.claimed) {
      args.context[DEDUPE_KEY] = key.key;
      return args.next();
    }
    deps.log.info({ retryNum: args.context.retryNum ?? null }, 'a repeated Slack request was acknowledged and ignored');
    if (ack) await ack((claim.result ?? undefined) as never);
  };
}
