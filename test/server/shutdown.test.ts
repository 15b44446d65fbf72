// SIGTERM under load: in-flight requests finish, later ones are refused, the process exits promptly, nothing half-written.
import t from 'tap';
import { once } from 'node:events';
import http from 'node:http';
import pg from 'pg';
import { testDatabase } from '../helpers/db.ts';
import { startServerProcess } from '../helpers/server-process.ts';
import { TEST_API_TOKEN } from '../helpers/app.ts';

t.test('graceful shutdown', async (t) => {
  const { url } = await testDatabase(t);
  const server = await startServerProcess(t, { DATABASE_URL: url, API_TOKEN: TEST_API_TOKEN });
  const { child, baseUrl: base } = server;

  // Each request on a connection of its own, so "refused" and "cut off" cannot be confused with keep-alive reuse.
  const create = (i: number) =>
    new Promise<{ i: number; status: number; error?: string }>((resolve) => {
      const body = JSON.stringify({ name: `Shutdown ${i}`, senders: [{ kind: 'email', value: `s${i}@example.com` }] });
      const request = http.request(`${base}/api/v1/contacts`, {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve({ i, status: response.statusCode ?? 0 }));
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve({ i, status: 0, error: error.code }));
      request.end(body);
    });

  // Hold a lock on the contact table so the first requests are truly in flight (waiting in the database) at SIGTERM.
  const blocker = new pg.Client({ connectionString: url });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('lock table contact in share mode');
  const inFlight = Array.from({ length: 20 }, (_, i) => create(i));
  await new Promise((r) => setTimeout(r, 500));
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  const later = Array.from({ length: 20 }, (_, i) => create(100 + i));
  await blocker.query('rollback');
  await blocker.end();
  const results = [...(await Promise.all(inFlight)), ...(await Promise.all(later))];
  const [code] = child.exitCode === null ? await once(child, 'exit') : [child.exitCode];
  const exitedAfter = Date.now() - stoppedAt;

  t.equal(code, 0, 'the process exits cleanly');
  t.ok(exitedAfter < 10_000, `within 10 s (${exitedAfter} ms)`);
  const unexpected = results.filter((r) => r.status !== 201 && r.status !== 503 && !(r.status === 0 && r.error === 'ECONNREFUSED'));
  t.same(unexpected, [], 'every request was answered (201 or 503) or refused before it was accepted; none was cut off');
  t.same(results.slice(0, 20).map((r) => r.status), Array(20).fill(201), 'every in-flight request completed');
  t.ok(results.slice(20).every((r) => r.status === 503 || r.error === 'ECONNREFUSED'), 'requests after SIGTERM were refused');

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('select c.name, count(s.id)::int as senders from contact c left join sender s on s.contact_id = c.id group by c.name');
  await client.end();
  const stored = new Map(rows.map((r) => [r.name as string, r.senders as number]));
  const acknowledged = results.filter((r) => r.status === 201).map((r) => `Shutdown ${r.i}`);
  t.ok(acknowledged.every((name) => stored.get(name) === 1), `every acknowledged contact is stored whole (${acknowledged.length})`);
  t.ok([...stored.values()].every((n) => n === 1), 'no contact without its sender');
  t.notMatch(server.output(), /\n\s+at /, 'no stack trace in the log');
});
