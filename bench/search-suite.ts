// One pass of the search set over one database: ours through the core, the naive baseline on the same data.
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { searchContacts } from '../core/contacts/contact.search.ts';
import { benchQueries, prepareQuery, timeOurs } from './search-queries.ts';
import { timeBaseline } from './baseline.ts';
import { times, type Summary } from './stats.ts';

export interface SearchRow {
  label: string;
  why: string;
  fragment: boolean;
  deepPage: boolean;
  /** The page timed (1, or how deep the cursors reached). */
  page: number;
  rows: number;
  capped: boolean;
  ours: Summary;
  baseline: Summary | null;
  /** Baseline p95 / ours p95. */
  ratio: number;
}

export interface SearchRuns {
  ours: number;
  baseline: number;
  warmup: number;
}

export async function runSearchSuite(orm: MikroORM, client: pg.Client, runs: SearchRuns, log: (line: string) => void): Promise<SearchRow[]> {
  const [allegro] = await orm.em.getConnection().execute<{ id: number }[]>(
    "select id from integration_account where platform = 'allegro' order by id limit 1",
  );
  const rows: SearchRow[] = [];
  for (const bench of benchQueries(allegro?.id ?? 1)) {
    const prepared = await prepareQuery(orm.em, bench);
    const ours = await timeOurs(orm.em, prepared.query, runs.ours, runs.warmup);
    let baseline: Summary | null = null;
    try {
      baseline = await timeBaseline(client, bench.query, prepared.page, runs.baseline, Math.min(1, runs.warmup));
    } catch (error) {
      log(`  baseline failed for ${bench.label}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ratio = baseline ? baseline.p95 / ours.p95 : NaN;
    rows.push({ label: bench.label, why: bench.why, fragment: bench.fragment, deepPage: Boolean(bench.deepPage), page: prepared.page, rows: prepared.rows, capped: prepared.capped, ours, baseline, ratio });
    log(`  ${bench.label.padEnd(24)} ours p95 ${ours.p95.toFixed(1).padStart(7)} ms   baseline p95 ${(baseline?.p95 ?? NaN).toFixed(0).padStart(6)} ms   ${times(ratio)}`);
  }
  return rows;
}

/**
 * EXPLAIN ANALYZE of the SQL searchContacts ran for the slowest queries (p95 over 25 ms, or a deep page over
 * 10 ms; at most three), captured by watching the ORM connection while the query runs once more.
 */
export async function explainOurs(orm: MikroORM, rows: SearchRow[]): Promise<{ label: string; plan: string }[]> {
  const [allegro] = await orm.em.getConnection().execute<{ id: number }[]>("select id from integration_account where platform = 'allegro' order by id limit 1");
  const queries = benchQueries(allegro?.id ?? 1);
  const slow = rows
    .filter((r) => r.ours.p95 > (r.deepPage ? 10 : 25) || r.ours.max > 100)
    .sort((a, b) => b.ours.p95 - a.ours.p95)
    .slice(0, 3);
  const plans: { label: string; plan: string }[] = [];
  for (const row of slow) {
    const bench = queries.find((q) => q.label === row.label);
    if (!bench) continue;
    const prepared = await prepareQuery(orm.em, bench);
    const connection = orm.em.getConnection();
    const execute = connection.execute.bind(connection);
    let captured: { sql: string; params: unknown[] } | null = null;
    connection.execute = ((sql: string, params: unknown[] = [], ...rest: unknown[]) => {
      captured ??= { sql, params };
      return (execute as (...args: unknown[]) => unknown)(sql, params, ...rest);
    }) as typeof connection.execute;
    try {
      await searchContacts(orm.em.fork(), prepared.query);
    } finally {
      connection.execute = execute;
    }
    if (!captured) continue;
    const { sql, params } = captured as { sql: string; params: unknown[] };
    const plan = await connection.execute<Record<string, string>[]>(`explain (analyze, buffers) ${sql}`, params);
    plans.push({ label: row.label, plan: plan.map((line) => line['QUERY PLAN']).join('\n') });
  }
  return plans;
}
