// Quick-add through the core: sequential latency, and a 50-way burst on one sender that must yield one contact.
import type { MikroORM } from '@mikro-orm/postgresql';
import { quickAddRequester } from '../core/contacts/quick-add.ts';
import { SenderTakenError } from '../core/errors.ts';
import { actor } from '../core/actor.ts';
import { timed, summarize, type Summary } from './stats.ts';

export const BENCH_ACTOR = actor('api', 'bench', 'Benchmark');

export interface QuickAddResult {
  latency: Summary;
  burst: { concurrency: number; created: number; refusedAsTaken: number; otherErrors: string[]; contactsWithSender: number; ms: number };
}

// Common display names: most quick-adds also go through the "name taken → Name (value)" path.
const DISPLAY_NAMES = ['Anna Nowak', 'Jan Kowalski', 'Zofia Wiśniewska', 'Piotr Wójcik'];

export async function benchQuickAdd(orm: MikroORM, runs: number, concurrency: number, runId: string): Promise<QuickAddResult> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const requester = { kind: 'email', value: `qa.${runId}.${i}@quickadd-bench.example`, displayName: DISPLAY_NAMES[i % DISPLAY_NAMES.length] };
    samples.push((await timed(() => quickAddRequester(orm.em.fork(), requester, BENCH_ACTOR, { url: 'https://bench.slack.com/archives/C0/p1' }))).ms);
  }

  const value = `burst.${runId}@quickadd-bench.example`;
  const started = performance.now();
  const outcomes = await Promise.allSettled(
    Array.from({ length: concurrency }, () => quickAddRequester(orm.em.fork(), { kind: 'email', value, displayName: 'Burst Requester' }, BENCH_ACTOR)),
  );
  const ms = performance.now() - started;
  const created = outcomes.filter((o) => o.status === 'fulfilled').length;
  const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
  const [{ n }] = await orm.em.getConnection().execute<{ n: number }[]>(
    "select count(*)::int as n from sender where kind = 'email' and normalized = ?",
    [value],
  );
  return {
    latency: summarize(samples),
    burst: {
      concurrency,
      created,
      refusedAsTaken: rejected.filter((e) => e instanceof SenderTakenError).length,
      otherErrors: rejected.filter((e) => !(e instanceof SenderTakenError)).map((e) => (e instanceof Error ? e.message : String(e))),
      contactsWithSender: n,
      ms,
    },
  };
}
