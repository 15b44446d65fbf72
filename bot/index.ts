// The Slack bot (placeholder until the bot lands).
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../core/config.ts';

export function isSlackConfigured(config: Config): boolean {
  return Boolean(config.SLACK_SIGNING_SECRET && config.SLACK_BOT_TOKEN);
}

export const botPlugin: FastifyPluginAsync = async () => {};
