// A fresh, migrated database for each test file, so files run in parallel without sharing rows.
// Uses the server named by TEST_DATABASE_URL, or starts an embedded PostgreSQL of the file's own.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm, migrate, startEmbeddedPostgres } from '../../core/database.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestDatabase {
  url: string;
  orm: MikroORM;
  /** A connection string for the server's maintenance database (to create more databases). */
  adminUrl: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts an embedded PostgreSQL in a temporary directory, removed at teardown. */
export async function embeddedServer(t: Teardown): Promise<{ url: string; stop(): Promise<void> }> {
  // The directory is handed to the "postgres" user: it must be traversable by it, as the system temp dir is.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contactdesk-pg-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres(dir, await freePort());
  t.teardown(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

export async function testDatabase(t: Teardown, options: { poolMax?: number; statementTimeoutMs?: number } = {}): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL || (await embeddedServer(t)).url;
  const name = `contactdesk_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const orm = await openOrm({ url: url.toString(), poolMax: options.poolMax ?? 20, statementTimeoutMs: options.statementTimeoutMs });
  await migrate(orm);
  t.teardown(async () => {
    await orm.close(true);
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${name} with (force)`);
    await cleanup.end();
  });
  return { url: url.toString(), orm, adminUrl };
}
