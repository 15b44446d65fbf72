// `npm run bench`: search (ours and the naive baseline) at 100,000 and 1,000,000 contacts, HTTP load on every
// face, quick-add, memory and start-up; writes BENCHMARKS.md and bench/growth.svg.
// `npm run bench -- --quick`: the same on scratch databases of a few thousand contacts, as a smoke check of the
// harness (CI); it writes its report under bench/results/ and leaves BENCHMARKS.md alone.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../core/database.ts';
import { benchServer, dropDatabase, removeBenchRows, seededDatabase } from './databases.ts';
import { freePort } from '../test/helpers/db.ts';
import { runSearchSuite, explainOurs, type SearchRuns } from './search-suite.ts';
import { benchQuickAdd } from './quick-add.ts';
import { measureStartup } from './startup.ts';
import {
  ROOT, RssSampler, apiListRequests, load, panelPartialIsFragment, panelRequests, panelSignIn, routeExists, slackCommandRequests,
  slackShortcutRequests, startFakeSlack, startServer, bursts,
} from './http.ts';
import { SECTIONS } from './sections.ts';
import { renderChart, renderMarkdown, type BenchResult, type DatasetResult, type FaceResult } from './report.ts';

interface Settings {
  sizes: number[];
  search: SearchRuns;
  httpSeconds: number;
  quickAdds: number;
  startups: number;
}

const FULL: Settings = { sizes: [100_000, 1_000_000], search: { ours: 40, baseline: 4, warmup: 2 }, httpSeconds: 10, quickAdds: 200, startups: 3 };
const QUICK: Settings = { sizes: [1_000, 5_000], search: { ours: 5, baseline: 2, warmup: 1 }, httpSeconds: 2, quickAdds: 20, startups: 1 };

const API_TOKEN = 'bench-api-token-0123456789';
const ADMIN = { email: 'bench-admin@contactdesk.example', password: 'bench-admin-password' };
const SLACK_SECRET = 'bench-slack-signing-secret';
const BURST = 50;
/** Seeded databases are kept between runs under this prefix (one per branch of the schema, when several are benched). */
const BENCH_DB_PREFIX = process.env.BENCH_DB_PREFIX || 'contactdesk_bench';

const log = (line: string) => console.log(line);
const sizeLabel = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}m` : `${n / 1000}k`);

/** The server's environment, as an operator would set it (secrets are the benchmark's own). */
function serverEnv(databaseUrl: string, slackApiUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    API_TOKEN,
    LOG_LEVEL: 'warn',
    SESSION_SECRET: 'bench-session-secret-of-at-least-32-characters',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_API_URL: slackApiUrl,
  };
}

async function httpSuite(databaseUrl: string, seconds: number, runId: string): Promise<NonNullable<BenchResult['http']>> {
  const fake = await startFakeSlack();
  const server = await startServer(serverEnv(databaseUrl, fake.apiUrl), await freePort());
  const rss = new RssSampler(server.pid);
  try {
    log('HTTP: API list');
    const auth = { authorization: `Bearer ${API_TOKEN}` };
    await load(server.url, 10, Math.min(2, seconds), apiListRequests(), auth); // warm-up
    const api: FaceResult = {
      available: true,
      runs: [
        { label: 'list, 10 connections', ...(await load(server.url, 10, seconds, apiListRequests(), auth)) },
        { label: 'list, 50 connections', ...(await load(server.url, 50, seconds, apiListRequests(), auth)) },
        // The first page with no search text: what the route costs when the database does little.
        { label: 'first page, no query, 10 connections', ...(await load(server.url, 10, seconds, [{ method: 'GET', path: '/api/v1/contacts' }], auth)) },
      ],
    };

    log('HTTP: panel');
    let panel: FaceResult;
    try {
      const cookie = await panelSignIn(server.url, ADMIN.email, ADMIN.password);
      if (!cookie) panel = { available: false, reason: 'GET /login answers 404' };
      else {
        const headers = { cookie, 'sec-fetch-site': 'same-origin' };
        if (!(await panelPartialIsFragment(server.url, cookie))) log('  panel: the search partial request got a whole page back');
        await load(server.url, 10, Math.min(2, seconds), panelRequests(true), headers); // warm-up
        panel = {
          available: true,
          runs: [
            { label: 'list page', ...(await load(server.url, 10, seconds, panelRequests(false), headers)) },
            { label: 'search partial', ...(await load(server.url, 10, seconds, panelRequests(true), headers)) },
          ],
        };
      }
    } catch (error) {
      panel = { available: false, reason: error instanceof Error ? error.message : String(error) };
    }
    if (!panel.available) log(`  panel: not available (${panel.reason})`);

    log('HTTP: Slack');
    let slack: FaceResult;
    if (!(await routeExists(server.url, 'POST', '/slack/events'))) slack = { available: false, reason: 'POST /slack/events answers 404' };
    else {
      // One untimed burst of each first, as every search query is warmed up before it is timed.
      await bursts(server.url, fake, slackCommandRequests(SLACK_SECRET, fake.responseUrl), 1);
      await bursts(server.url, fake, slackShortcutRequests(SLACK_SECRET, fake.responseUrl, runId), 1);
      slack = {
        available: true,
        runs: [
          { label: '/contact find, bursts of 20', ...(await bursts(server.url, fake, slackCommandRequests(SLACK_SECRET, fake.responseUrl), Math.max(3, seconds * 2))) },
          { label: 'add_requester shortcut, bursts of 20', ...(await bursts(server.url, fake, slackShortcutRequests(SLACK_SECRET, fake.responseUrl, runId), Math.max(3, seconds * 2))) },
          { label: '/contact find, sustained (saturation)', ...(await load(server.url, 20, seconds, slackCommandRequests(SLACK_SECRET, fake.responseUrl))) },
          { label: 'add_requester shortcut, sustained (saturation)', ...(await load(server.url, 20, seconds, slackShortcutRequests(SLACK_SECRET, fake.responseUrl, runId))) },
        ],
      };
    }
    if (!slack.available) log(`  Slack: not available (${slack.reason})`);
    return { api, panel, slack: { ...slack, webApiCalls: Object.fromEntries(fake.calls) }, peakRssMb: rss.stop() / 2 ** 20 };
  } finally {
    rss.stop();
    await server.stop();
    await fake.close();
  }
}

/** The core's ORM (pool big enough for the quick-add burst) and a plain client for the baseline. */
async function openDataset(url: string): Promise<{ orm: MikroORM; client: pg.Client }> {
  const orm = await openOrm({ url, poolMax: BURST + 10, statementTimeoutMs: 300_000 });
  const client = new pg.Client({ connectionString: url, statement_timeout: 300_000 });
  client.on('error', () => {});
  await client.connect();
  return { orm, client };
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const settings = quick ? QUICK : FULL;
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex > 0 ? (process.argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : null;
  if (only) return runSectionsOnly(only, quick, settings);
  const runId = Date.now().toString(36);
  const loadBefore = os.loadavg();
  const server = await benchServer(quick);
  const scratch: string[] = [];
  const seeded: { contacts: number; url: string }[] = [];
  let sectionsMarkdown = '';
  const result: BenchResult = {
    quick,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGb: os.totalmem() / 2 ** 30, postgres: '', node: process.version, loadBefore, loadAfter: [] },
    datasets: [],
    http: null,
    quickAdd: null,
    startup: null,
    plans: [],
    serverError: null,
    chartPath: quick ? 'growth.quick.svg' : 'bench/growth.svg',
  };
  try {
    let largestUrl = '';
    for (const [index, size] of settings.sizes.entries()) {
      const name = quick ? `contactdesk_bench_quick_${process.pid}_${sizeLabel(size)}` : `${BENCH_DB_PREFIX}_${sizeLabel(size)}`;
      if (quick) scratch.push(name);
      const db = await seededDatabase(server.adminUrl, name, size, log);
      largestUrl = db.url;
      seeded.push({ contacts: size, url: db.url });
      const { orm, client } = await openDataset(db.url);
      try {
        if (!result.machine.postgres) {
          const version = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
          const buffers = (await client.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers;
          result.machine.postgres = `${version} (shared_buffers ${buffers})`;
        }
        log(`search at ${size.toLocaleString('en')} contacts`);
        const search = await runSearchSuite(orm, client, settings.search, log);
        result.datasets.push({ name, contacts: size, senders: db.senders, seedSeconds: db.seedSeconds, search } satisfies DatasetResult);
        if (index === settings.sizes.length - 1) {
          result.plans = await explainOurs(orm, search);
          log('quick-add');
          result.quickAdd = await benchQuickAdd(orm, settings.quickAdds, BURST, runId);
        }
      } finally {
        await client.end();
        await orm.close(true);
      }
    }
    sectionsMarkdown = await runSections(SECTIONS, server.adminUrl, seeded, quick);
    // A server that does not start (a face mid-edit) costs the HTTP figures, not the search figures.
    try {
      result.http = await httpSuite(largestUrl, settings.httpSeconds, runId);
      log('start-up');
      result.startup = await measureStartup({ DATABASE_URL: largestUrl, API_TOKEN, LOG_LEVEL: 'warn' }, settings.startups);
    } catch (error) {
      result.serverError = error instanceof Error ? error.message.slice(0, 2000) : String(error);
      log(`the server could not be measured: ${result.serverError}`);
    }
    const removed = await removeBenchRows(largestUrl);
    log(`removed ${removed} contacts the run added`);
  } finally {
    for (const name of scratch) await dropDatabase(server.adminUrl, name).catch(() => {});
    await server.stop();
  }
  result.machine.loadAfter = os.loadavg();

  const results = path.join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  writeFileSync(path.join(results, `${quick ? 'quick' : 'full'}-${runId}.json`), JSON.stringify(result, null, 2));
  const markdown = renderMarkdown(result) + sectionsMarkdown;
  const chart = renderChart(result.datasets);
  if (quick) {
    writeFileSync(path.join(results, 'BENCHMARKS.quick.md'), markdown);
    writeFileSync(path.join(results, 'growth.quick.svg'), chart);
    log(`wrote bench/results/BENCHMARKS.quick.md`);
  } else {
    writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), markdown);
    writeFileSync(path.join(ROOT, 'bench', 'growth.svg'), chart);
    log('wrote BENCHMARKS.md and bench/growth.svg');
  }
  console.log(markdown.slice(markdown.indexOf('## Targets'), markdown.indexOf('## Search at')));
}

async function runSections(sections: typeof SECTIONS, adminUrl: string, datasets: { contacts: number; url: string }[], quick: boolean): Promise<string> {
  let markdown = '';
  for (const section of sections) {
    log(`section: ${section.name}`);
    markdown += `\n${(await section.run({ adminUrl, datasets, quick, log })).trim()}\n`;
  }
  return markdown;
}

/** `--only a,b`: those sections alone, on the seeded databases; prints their markdown and keeps it in bench/results. */
async function runSectionsOnly(names: string[], quick: boolean, settings: Settings): Promise<void> {
  const unknown = names.filter((n) => !SECTIONS.some((s) => s.name === n));
  if (unknown.length) throw new Error(`no bench section named ${unknown.join(', ')} (known: ${SECTIONS.map((s) => s.name).join(', ') || 'none'})`);
  const server = await benchServer(quick);
  const scratch: string[] = [];
  try {
    const datasets: { contacts: number; url: string }[] = [];
    for (const size of settings.sizes) {
      const name = quick ? `contactdesk_bench_quick_${process.pid}_${sizeLabel(size)}` : `${BENCH_DB_PREFIX}_${sizeLabel(size)}`;
      if (quick) scratch.push(name);
      datasets.push({ contacts: size, url: (await seededDatabase(server.adminUrl, name, size, log)).url });
    }
    const markdown = await runSections(SECTIONS.filter((s) => names.includes(s.name)), server.adminUrl, datasets, quick);
    const results = path.join(ROOT, 'bench', 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(path.join(results, `sections-${names.join('-')}.md`), markdown);
    console.log(markdown);
  } finally {
    for (const name of scratch) await dropDatabase(server.adminUrl, name).catch(() => {});
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
