// What every listener works with: the database, the configuration, the log and the acting user.
import type { FastifyBaseLogger } from 'fastify';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import type { webApi } from '@slack/bolt';
import type { Config } from '../core/config.ts';
import { actor, type Actor } from '../core/actor.ts';
import type { Locale } from '../core/i18n/index.ts';
import type { SlackUserDirectory } from './slack-users.ts';
import type { Queryable } from './idempotency.ts';

export interface BotDeps {
  orm: MikroORM;
  config: Config;
  log: FastifyBaseLogger;
  users: SlackUserDirectory;
  /** Connections reserved for claiming idempotency keys before the ack. */
  claims: Queryable;
}

export interface ActingUser {
  id: string;
  locale: Locale;
  /** For the audit trail: channel "slack", the Slack user id and name. */
  actor: Actor;
}

/** The user behind a request, and a fresh EntityManager for this listener run. */
export async function begin(deps: BotDeps, client: webApi.WebClient, userId: string, nameInPayload = ''): Promise<{ user: ActingUser; em: EntityManager }> {
  const found = await deps.users.lookup(client, deps.log, userId, nameInPayload);
  return { user: { id: userId, locale: found.locale, actor: actor('slack', userId, found.name) }, em: deps.orm.em.fork() };
}
