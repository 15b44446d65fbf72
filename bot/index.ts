// The Slack bot: a Bolt app whose listeners call the core. Over HTTP it is served by the Fastify server at
// POST /slack/events (see receiver.ts); with SLACK_APP_TOKEN it connects through Socket Mode instead.
import { format } from 'node:util';
import fp from 'fastify-plugin';
import pg from 'pg';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { App, LogLevel, type Logger } from '@slack/bolt';
import type { Config } from '../core/config.ts';
import { FastifyReceiver } from './receiver.ts';
import { SlackUserDirectory } from './slack-users.ts';
import { SLACK_TIMEOUT_MS } from './slack-calls.ts';
import { onlyOnce, refuseOtherWorkspaces } from './middleware.ts';
import { sweepOldKeys } from './idempotency.ts';
import type { BotDeps } from './context.ts';
import * as commands from './listeners/commands/index.ts';
import * as shortcuts from './listeners/shortcuts/index.ts';
import * as views from './listeners/views/index.ts';
import * as actions from './listeners/actions/index.ts';

export function isSlackConfigured(config: Config): boolean {
  return Boolean(config.SLACK_SIGNING_SECRET && config.SLACK_BOT_TOKEN);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Present when Slack is configured. */
    slackBot?: SlackBot;
  }
}

export interface SlackBot {
  bolt: App;
  /** Resolves once the work behind every Slack request received so far is done (used at shutdown, and by tests). */
  whenIdle(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60 * 60_000;

/** Bolt's log lines, through the server's logger. */
function boltLogger(log: FastifyBaseLogger): Logger {
  return {
    debug: (...msg) => log.debug(format(...msg)),
    info: (...msg) => log.info(format(...msg)),
    warn: (...msg) => log.warn(format(...msg)),
    error: (...msg) => log.error(format(...msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

export const botPlugin = fp(async (app: FastifyInstance) => {
  const config = app.config;
  const log = app.log.child({ face: 'slack' });
  // Slack wants an ack within 3 s and the ack waits for the idempotency claim: a few connections of its own keep
  // it from queueing behind searches in the main pool when the server is busy. A claim need not wait for its commit
  // to reach the disk: a database crash in that instant can at worst let one retry through (a second reply; contacts
  // stay unique through their indexes).
  const claims = new pg.Pool({
    connectionString: app.orm.config.get('clientUrl'),
    max: 5,
    connectionTimeoutMillis: 2000,
    statement_timeout: 2000,
    options: '-c synchronous_commit=off',
  });
  claims.on('error', (error) => log.warn({ err: error }, 'an idle idempotency connection failed')); // e.g. PostgreSQL restarted
  const deps: BotDeps = { orm: app.orm, config, log, users: new SlackUserDirectory(config.DEFAULT_LOCALE), claims };
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const receiver = socketMode ? null : new FastifyReceiver(config.SLACK_SIGNING_SECRET as string, log);

  const bolt = new App({
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.SLACK_APP_TOKEN }),
    // One workspace, one bot token; no auth.test round trip (Bolt's default) before each request.
    authorize: async () => ({ botToken: config.SLACK_BOT_TOKEN }),
    convoStore: false, // Bolt's default conversation store lives in process memory: not for several instances
    logger: boltLogger(log),
    clientOptions: {
      slackApiUrl: config.SLACK_API_URL ? config.SLACK_API_URL.replace(/\/?$/u, '/') : undefined,
      // Bolt's WebClient would retry a failed call ten times over half an hour, and sleep through a rate limit.
      // A listener has a user waiting: fail fast, log it, and tell the user through the other reply path.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: SLACK_TIMEOUT_MS,
    },
  });
  bolt.error(async (error) => log.error({ err: error }, 'a Slack listener failed'));
  bolt.use(refuseOtherWorkspaces(deps));
  bolt.use(onlyOnce(deps));
  commands.register(bolt, deps);
  shortcuts.register(bolt, deps);
  views.register(bolt, deps);
  actions.register(bolt, deps);

  if (receiver) await app.register(receiver.routes);
  else {
    // Socket Mode: Slack pushes requests over a WebSocket opened from here; no public URL needed.
    app.addHook('onListen', async () => {
      await bolt.start().catch((error: unknown) => log.error({ err: error }, 'could not connect to Slack in Socket Mode'));
    });
  }

  const sweep = setInterval(() => {
    sweepOldKeys(app.orm.em.fork()).catch((error: unknown) => log.warn({ err: error }, 'could not sweep old idempotency keys'));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  const whenIdle = async () => receiver?.whenIdle();
  app.decorate('slackBot', { bolt, whenIdle } satisfies SlackBot);
  app.addHook('onClose', async () => {
    clearInterval(sweep);
    await whenIdle();
    if (socketMode) await bolt.stop();
    await claims.end();
  });
}, { name: 'slack-bot' });
