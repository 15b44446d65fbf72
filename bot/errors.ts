// The bot's one mapping from errors to what the user reads; anything unexpected is logged and answered generically.
import type { FastifyBaseLogger } from 'fastify';
import { t, type Locale } from '../core/i18n/index.ts';
import { DomainError, InvalidInputError } from '../core/errors.ts';
import { escapeMrkdwn } from './blocks.ts';

/** Parameters are user text (names, senders): escaped, as the answer is mrkdwn. */
function escaped(params: Record<string, string | number> = {}): Record<string, string | number> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, typeof value === 'string' ? escapeMrkdwn(value) : value]));
}

/** An error as mrkdwn for an ephemeral answer. */
export function errorText(error: unknown, locale: Locale, log: FastifyBaseLogger): string {
  if (error instanceof InvalidInputError) return error.issues.map((issue) => t(locale, issue.code, escaped(issue.params))).join(' ');
  if (error instanceof DomainError) return t(locale, error.code, escaped(error.params));
  log.error({ err: error }, 'a Slack listener failed');
  return t(locale, 'bot.error.generic');
}
