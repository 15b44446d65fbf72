// The seed and the benchmark harness on a tiny data set: rows as the core writes them, every measured part
// runs and reports. No timings are asserted: benchmarks are not tests.
import t from 'tap';
import pg from 'pg';
import type { AddressInfo } from 'node:net';
import { testDatabase } from '../helpers/db.ts';
import { buildServer } from '../../server.ts';
import { loadConfig } from '../../core/config.ts';
import { normalizeSender } from '../../core/contacts/senders.ts';
import { searchColumns } from '../../core/contacts/contact.search-columns.ts';
import { generateContacts, seedDatabase } from '../../scripts/seed.ts';
import { runSearchSuite } from '../../bench/search-suite.ts';
import { benchQuickAdd } from '../../bench/quick-add.ts';
import { removeBenchRows } from '../../bench/databases.ts';
import { apiListRequests, load, panelSignIn, slackCommandRequests, startFakeSlack } from '../../bench/http.ts';
import { renderChart, renderMarkdown, type BenchResult } from '../../bench/report.ts';
import { summarize } from '../../bench/stats.ts';

const CONTACTS = 300;

t.test('seed and harness on a tiny data set', async (t) => {
  const { url, orm } = await testDatabase(t, { poolMax: 20 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());

  const seeded = await seedDatabase({ url, contacts: CONTACTS, seed: 7 });
  const count = async (sql: string) => Number((await client.query<{ n: string }>(sql)).rows[0].n);

  await t.test('rows are what the core would have written', async (t) => {
    t.equal(await count('select count(*) as n from contact'), CONTACTS);
    t.equal(await count('select count(*) as n from sender'), seeded.senders);
    t.ok(seeded.senders >= CONTACTS && seeded.senders <= 3 * CONTACTS, 'one to three senders each');
    t.equal(await count('select count(*) as n from audit_event'), CONTACTS, 'one "created" event per contact');
    const contacts = (await client.query(`select c.*, coalesce(json_agg(s order by s.id) filter (where s.id is not null), '[]') as senders
      from contact c left join sender s on s.contact_id = c.id group by c.id`)).rows;
    let mismatches = 0;
    for (const c of contacts) {
      const senders = c.senders as { kind: 'email' | 'phone' | 'handle'; value: string; platform: string | null; normalized: string; digits: string | null; search_key: string }[];
      for (const s of senders) {
        const core = normalizeSender({ kind: s.kind, value: s.value, platform: s.platform }, c.country ?? 'PL');
        if (!core.ok || core.sender.normalized !== s.normalized || core.sender.digits !== s.digits || core.sender.searchKey !== s.search_key || core.sender.value !== s.value) mismatches++;
      }
      const columns = searchColumns(c.name, senders.map((s) => ({ searchKey: s.search_key })));
      if (columns.nameKey !== c.name_key || columns.nameFolded !== c.name_folded || columns.sortKey !== c.sort_key || columns.searchText !== c.search_text) mismatches++;
    }
    t.equal(mismatches, 0, 'senders and derived columns equal the core’s');
    t.equal(await count('select count(*) as n from (select name_key from contact group by name_key having count(*) > 1) d'), 0, 'names are unique');
    t.equal(await count("select count(*) as n from contact where name = 'Grzegrzółka' or name like '% Grzegrzółka%'"), 1, 'a rare surname occurs once');
  });

  await t.test('indexes and constraints are back after the load', async (t) => {
    const { rows } = await client.query<{ name: string }>(
      "select indexname as name from pg_indexes where tablename in ('contact', 'sender') union select conname from pg_constraint where contype = 'f'",
    );
    const names = rows.map((r) => r.name);
    for (const name of ['contact_name_key_unique', 'contact_search_text_trgm_idx', 'contact_sort_key_idx', 'sender_identity_unique', 'sender_search_key_prefix_idx', 'sender_contact_id_foreign']) {
      t.ok(names.includes(name), name);
    }
  });

  await t.test('the same seed gives the same data; another seed does not', async (t) => {
    const take = (seed: number) => [...generateContacts(50, seed, [1, 2])].map((c) => [c.name, c.senders.map((s) => s.normalized)]);
    t.same(take(3), take(3));
    t.notSame(take(3), take(4));
  });

  await t.test('a database with contacts is refused without --reset', async (t) => {
    await t.rejects(seedDatabase({ url, contacts: 10 }), /already holds 300 contacts/u);
    t.equal(await count('select count(*) as n from contact'), CONTACTS, 'nothing changed');
  });

  await t.test('search suite: every query runs through the core and the baseline', async (t) => {
    const rows = await runSearchSuite(orm, client, { ours: 1, baseline: 1, warmup: 0 }, () => {});
    t.ok(rows.length >= 20);
    t.ok(rows.every((r) => r.ours.n === 1 && r.baseline?.n === 1), 'both sides timed');
    t.equal(rows.find((r) => r.label === 'grzegrzolka')?.rows, 1, 'diacritics not typed find the rare name');
    t.equal(rows.find((r) => r.label === 'qxzvw')?.rows, 0);
    const deep = rows.find((r) => r.deepPage);
    t.ok(deep && deep.page > 1, 'the deep page follows cursors');
  });

  await t.test('quick-add burst yields one contact, and the run’s rows are removed', async (t) => {
    const result = await benchQuickAdd(orm, 3, 10, 'test');
    t.equal(result.latency.n, 3);
    t.equal(result.burst.created, 1);
    t.equal(result.burst.refusedAsTaken, 9);
    t.equal(result.burst.contactsWithSender, 1);
    t.equal(await removeBenchRows(url), 4);
    t.equal(await count('select count(*) as n from contact'), CONTACTS);
  });

  await t.test('HTTP: API list, panel sign-in and a signed Slack command against the real server', async (t) => {
    const fake = await startFakeSlack();
    t.teardown(() => fake.close());
    const config = loadConfig({
      DATABASE_URL: url, API_TOKEN: 'bench-test-token-0123456789', LOG_LEVEL: 'silent', SESSION_SECRET: 'a-bench-test-session-secret-of-32-characters',
      ADMIN_EMAIL: 'admin@bench.example', ADMIN_PASSWORD: 'bench-password', SLACK_SIGNING_SECRET: 'bench-secret', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_API_URL: fake.apiUrl,
    });
    const app = await buildServer({ config, orm, logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    t.teardown(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const api = await load(base, 2, 1, apiListRequests(), { authorization: 'Bearer bench-test-token-0123456789' });
    t.ok(api.total > 0);
    t.equal(api.errors, 0, 'the API answers 2xx');
    t.match(await panelSignIn(base, 'admin@bench.example', 'bench-password'), /=/u, 'signed in through the login form');
    const slack = await load(base, 2, 1, slackCommandRequests('bench-secret', fake.responseUrl));
    t.ok(slack.total > 0);
    t.equal(slack.errors, 0, 'signed commands are acknowledged');
  });

  t.test('report and chart render from results', async (t) => {
    const row = { label: 'nowak', why: 'common', fragment: true, deepPage: false, page: 1, rows: 50, capped: false, ours: summarize([2, 3]), baseline: summarize([200, 300]), ratio: 100 };
    const result: BenchResult = {
      quick: true, date: '2026-01-01 00:00 UTC', chartPath: 'growth.svg', plans: [], serverError: null, http: null, quickAdd: null, startup: null,
      machine: { cpu: 'cpu', cores: 2, memoryGb: 4, postgres: '15', node: 'v20', loadBefore: [0, 0, 0], loadAfter: [0, 0, 0] },
      datasets: [{ name: 'a', contacts: 1000, senders: 2000, seedSeconds: 1, search: [row] }, { name: 'b', contacts: 10_000, senders: 20_000, seedSeconds: null, search: [{ ...row, ours: summarize([4]), ratio: 75 }] }],
    };
    const markdown = renderMarkdown(result);
    t.match(markdown, /\| search vs the naive baseline, fragment queries \| ≥ 20× at p95 \| lowest 75× \| met \|/u);
    t.match(markdown, /!\[[^\]]+\]\(growth\.svg\)/u);
    t.match(renderChart(result.datasets), /<svg[\s\S]*<polyline[\s\S]*<\/svg>/u);
  });
});
