// Who the acting Slack user is: a readable name for the audit trail and the locale replies are written in.
//
// Read with users.info (include_locale) and cached in this instance's memory for ten minutes. Each instance behind
// a load balancer keeps its own copy and nothing depends on instances agreeing: a user who switches Slack's
// language sees replies follow within ten minutes everywhere. A failed lookup is not cached.
import type { FastifyBaseLogger } from 'fastify';
import type { webApi } from '@slack/bolt';
import { pickLocale, type Locale } from '../core/i18n/index.ts';
import { callSlack } from './slack-calls.ts';

export interface SlackUser {
  id: string;
  name: string;
  locale: Locale;
}

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 5000;

export class SlackUserDirectory {
  readonly #cache = new Map<string, { user: SlackUser; expires: number }>();

  constructor(private readonly fallbackLocale: Locale) {}

  /** The cached user, without asking Slack: for answers that must leave within Slack's 3 seconds. */
  peek(id: string): SlackUser | null {
    const cached = this.#cache.get(id);
    return cached && cached.expires > Date.now() ? cached.user : null;
  }

  /** The user, with `nameInPayload` (Slack's username) standing in when Slack cannot say more. */
  async lookup(client: webApi.WebClient, log: FastifyBaseLogger, id: string, nameInPayload = ''): Promise<SlackUser> {
    const cached = this.#cache.get(id);
    if (cached && cached.expires > Date.now()) return cached.user;
    const info = await callSlack(log, 'users.info', () => client.users.info({ user: id, include_locale: true }));
    if (!info.ok || !info.value.user) return { id, name: nameInPayload || id, locale: this.fallbackLocale };
    const { user } = info.value;
    const name = user.profile?.display_name || user.real_name || user.name || nameInPayload || id;
    const found: SlackUser = { id, name, locale: pickLocale(user.locale, this.fallbackLocale) };
    this.#cache.delete(id);
    if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string); // oldest first
    this.#cache.set(id, { user: found, expires: Date.now() + TTL_MS });
    return found;
  }
}
