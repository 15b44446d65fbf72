// The databases the benchmark runs on: seeded ones kept between runs (full), scratch ones (quick).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate, openOrm, startEmbeddedPostgres } from '../core/database.ts';
import { seedDatabase, progressBar, SEED_ACTOR } from '../scripts/seed.ts';
import { freePort } from '../test/helpers/db.ts';

export const SEED = 1;

export interface BenchServer {
  /** A connection string to the server's maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * The PostgreSQL server to use: the one DATABASE_URL (or TEST_DATABASE_URL) names, the machine's local one for
 * a full run, or, for a quick run with neither set, an embedded PostgreSQL in a temporary directory.
 */
export async function benchServer(quick: boolean): Promise<BenchServer> {
  const named = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || (quick ? '' : 'postgresql://postgres@127.0.0.1:5432/postgres');
  if (named) {
    const url = new URL(named);
    url.pathname = '/postgres';
    return { adminUrl: url.toString(), stop: async () => {} };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contactdesk-bench-pg-'));
  chmodSync(dir, 0o755); // the embedded server runs as the "postgres" user
  const embedded = await startEmbeddedPostgres(dir, await freePort());
  return {
    adminUrl: embedded.url,
    stop: async () => {
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  });
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** Removes what a benchmark run added (quick-adds, Slack shortcuts), so the seeded data set stays as seeded. */
export async function removeBenchRows(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const deleted = await client.query('delete from contact where created_by_id <> $1', [SEED_ACTOR.id]);
    await client.query('delete from audit_event a where a.actor_id <> $1 and not exists (select 1 from contact c where c.id = a.contact_id)', [SEED_ACTOR.id]);
    return deleted.rowCount ?? 0;
  });
}

export interface SeededDatabase {
  name: string;
  url: string;
  contacts: number;
  senders: number;
  /** Seconds the seed took, or null when an existing database with the right count was reused. */
  seedSeconds: number | null;
}

/** A database holding exactly `contacts` seeded contacts: reused when it already does, seeded otherwise. */
export async function seededDatabase(adminUrl: string, name: string, contacts: number, log: (line: string) => void): Promise<SeededDatabase> {
  await createDatabase(adminUrl, name);
  const url = databaseUrl(adminUrl, name);
  const orm = await openOrm({ url, poolMax: 1, statementTimeoutMs: 600_000 });
  try {
    // A kept database gets the migrations added since it was seeded (an index changes what is measured).
    const applied = await migrate(orm);
    if (applied.length) log(`${name}: applied ${applied.join(', ')}`);
  } finally {
    await orm.close(true);
  }
  const count = async () =>
    withClient(url, async (client) => {
      const { rows } = await client.query<{ contacts: number; senders: number }>(
        `select (select count(*) from contact where created_by_id = $1)::int as contacts, (select count(*) from sender)::int as senders`,
        [SEED_ACTOR.id],
      );
      return rows[0];
    }).catch(() => ({ contacts: -1, senders: 0 })); // no tables yet
  let existing = await count();
  if (existing.contacts === contacts) {
    const removed = await removeBenchRows(url);
    if (removed) log(`${name}: removed ${removed} contacts left by an earlier run`);
    existing = await count();
    log(`${name}: reusing ${contacts.toLocaleString('en')} seeded contacts`);
    return { name, url, contacts, senders: existing.senders, seedSeconds: null };
  }
  log(`${name}: seeding ${contacts.toLocaleString('en')} contacts (seed ${SEED})`);
  const result = await seedDatabase({ url, contacts, seed: SEED, reset: true, progress: progressBar(name) });
  return { name, url, contacts, senders: result.senders, seedSeconds: result.seconds };
}
