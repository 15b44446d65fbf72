// Builds the whole server over a fresh test database, as `npm start` would, without listening.
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { buildServer, startJobs } from '../../server.ts';
import { loadConfig, type Config } from '../../core/config.ts';
import { testDatabase } from './db.ts';

export const TEST_API_TOKEN = 'test-api-token-0123456789';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestApp {
  app: FastifyInstance;
  orm: MikroORM;
  config: Config;
  dbUrl: string;
}

export async function testApp(t: Teardown, env: Record<string, string> = {}): Promise<TestApp> {
  const { orm, url } = await testDatabase(t);
  const config = loadConfig({
    API_TOKEN: TEST_API_TOKEN,
    SESSION_SECRET: 'a-test-session-secret-of-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DATABASE_URL: url,
    ...env,
  });
  const jobs = await startJobs(url, orm);
  const app = await buildServer({ config, orm, jobs, logger: false });
  t.teardown(async () => {
    await app.close();
    await jobs.stop();
  });
  return { app, orm, config, dbUrl: url };
}

/** Authorization header for the API with the token from the environment. */
export const apiAuth = { authorization: `Bearer ${TEST_API_TOKEN}` };
