// The server survives PostgreSQL going away: no crash, fast 503s while it is down, service within 5 s of its return.
import t from 'tap';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, openOrm, migrate, type EmbeddedDatabase } from '../../core/database.ts';
import { buildServer } from '../../server.ts';
import { loadConfig } from '../../core/config.ts';
import { freePort } from '../helpers/db.ts';
import { apiAuth, TEST_API_TOKEN } from '../helpers/app.ts';

t.test('PostgreSQL restarted under a running server', async (t) => {
  // An instance of this test's own: stopping the machine's shared server would break every other test.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contactdesk-restart-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  let database: EmbeddedDatabase | null = await startEmbeddedPostgres(dir, port);
  t.teardown(async () => {
    await database?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const orm = await openOrm({ url: database.url, poolMax: 5 });
  await migrate(orm);
  const app = await buildServer({ config: loadConfig({ API_TOKEN: TEST_API_TOKEN, DATABASE_URL: database.url }), orm, logger: false });
  t.teardown(async () => {
    await app.close();
    await orm.close(true);
  });

  const create = (name: string) => app.inject({ method: 'POST', url: '/api/v1/contacts', headers: apiAuth, payload: { name } });
  t.equal((await create('Before Restart')).statusCode, 201);

  await database.stop();
  database = null;

  const started = Date.now();
  const ready = await app.inject({ url: '/readyz' });
  t.equal(ready.statusCode, 503, '/readyz reports the outage');
  const write = await create('During Outage');
  const elapsed = Date.now() - started;
  t.equal(write.statusCode, 503, 'a request fails with 503');
  t.equal(write.json().error.code, 'database_unavailable');
  t.ok(elapsed < 10_000, `both answered fast, not hung (${elapsed} ms)`);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process is up');

  database = await startEmbeddedPostgres(dir, port);
  const back = Date.now();
  let recovered = false;
  while (Date.now() - back < 5000 && !recovered) {
    recovered = (await create('After Restart')).statusCode === 201;
    if (!recovered) await new Promise((r) => setTimeout(r, 200));
  }
  t.ok(recovered, `requests succeed again within 5 s of the database returning (${Date.now() - back} ms)`);

  const check = new pg.Client({ connectionString: database.url });
  await check.connect();
  const { rows } = await check.query('select name from contact order by id');
  await check.end();
  t.same(rows.map((r) => r.name), ['Before Restart', 'After Restart'], 'every acknowledged write is there, the refused one is not');
});
