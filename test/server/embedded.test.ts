// `npm start` with no DATABASE_URL: embedded PostgreSQL, migrations, a ready server — and a clean recovery when
// the previous process was killed with SIGKILL and left its postgres running.
import t from 'tap';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { startServerProcess } from '../helpers/server-process.ts';
import { freePort } from '../helpers/db.ts';
import { TEST_API_TOKEN } from '../helpers/app.ts';

t.test('embedded PostgreSQL by default, surviving a killed server', async (t) => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'contactdesk-embedded-'));
  chmodSync(dataDir, 0o755);
  const env = { DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), API_TOKEN: TEST_API_TOKEN, DATABASE_URL: '' };

  const started = Date.now();
  const first = await startServerProcess(t, env);
  t.ok(Date.now() - started < 30_000, `ready in ${Date.now() - started} ms on a fresh data directory`);
  const created = await fetch(`${first.baseUrl}/api/v1/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Kept Across Restarts' }),
  });
  t.equal(created.status, 201);

  // SIGKILL skips every exit hook: the postgres child keeps running and holds the data directory.
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  t.ok(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'a postgres was left behind');

  const second = await startServerProcess(t, env);
  const list = await fetch(`${second.baseUrl}/api/v1/contacts`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } });
  t.same(((await list.json()) as { items: { name: string }[] }).items.map((c) => c.name), ['Kept Across Restarts'], 'the data is there');
  t.match(second.output(), /stopping a PostgreSQL \(pid \d+\) left running by an earlier process/);

  second.child.kill('SIGTERM');
  const [code] = await once(second.child, 'exit');
  t.equal(code, 0, 'a normal stop also stops the embedded PostgreSQL');
  t.notOk(existsSync(path.join(dataDir, 'pg', 'postmaster.pid')), 'nothing left running');
  rmSync(dataDir, { recursive: true, force: true });
});
