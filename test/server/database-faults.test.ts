// Database faults a user should never see as a crash: slow statements and a database that is down at start.
import t from 'tap';
import { testDatabase, freePort } from '../helpers/db.ts';
import { buildServer } from '../../server.ts';
import { loadConfig } from '../../core/config.ts';
import { apiAuth, TEST_API_TOKEN } from '../helpers/app.ts';
import { startServerProcess } from '../helpers/server-process.ts';

t.test('a slow statement is cancelled by the statement timeout and answered with 503', async (t) => {
  const { orm, url } = await testDatabase(t, { statementTimeoutMs: 300 });
  const app = await buildServer({ config: loadConfig({ API_TOKEN: TEST_API_TOKEN, DATABASE_URL: url }), orm, logger: false });
  t.teardown(() => app.close());
  // A lock held by another session makes an ordinary API write wait: the timeout must end the wait.
  const blocker = orm.em.fork();
  await blocker.getConnection().execute("insert into integration_account (platform, label, created_at) values ('allegro', 'Shop', now())");
  const hold = await blocker.getConnection().getKnex().transaction();
  await hold.raw('lock table contact in access exclusive mode');
  const started = Date.now();
  const res = await app.inject({ method: 'POST', url: '/api/v1/contacts', headers: apiAuth, payload: { name: 'Waits for a lock' } });
  const elapsed = Date.now() - started;
  await hold.rollback();
  t.equal(res.statusCode, 503);
  t.equal(res.json().error.code, 'database_timeout');
  t.ok(elapsed < 3000, `answered after ${elapsed} ms, not left hanging`);
  const after = await app.inject({ method: 'POST', url: '/api/v1/contacts', headers: apiAuth, payload: { name: 'Waits for a lock' } });
  t.equal(after.statusCode, 201, 'nothing was half-written: the same contact can be created once the lock is gone');
});

t.test('with the database down at start-up the server says so and keeps retrying', async (t) => {
  const server = await startServerProcess(t, { DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/none` }, false);
  const { child } = server;
  const output = () => server.output();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && (output().match(/not reachable/gu) ?? []).length < 2) await new Promise((r) => setTimeout(r, 200));
  t.match(output(), /database at 127\.0\.0\.1:\d+ is not reachable \(attempt 1\); retrying in 1 s/);
  t.match(output(), /attempt 2/, 'it retries');
  t.notMatch(output(), /\n\s+at /, 'no stack trace');
  t.equal(child.exitCode, null, 'still running, waiting for the database');
});
