// The usual naive search, run on the same data for comparison: ILIKE '%q%' OR-ed across contact and sender
// through a join, DISTINCT, ORDER BY name and OFFSET paging, then the page's senders in a second query
// (as an ORM would load them), so both sides return the same shape of data.
import type pg from 'pg';
import type { SearchQuery } from '../core/contacts/contact.search.ts';
import { measure, type Summary } from './stats.ts';

const PAGE_SIZE = 50;

/** The naive SQL for one query of the set; `page` is 1-based. */
export function baselineSql(query: SearchQuery, page: number): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const anywhere = (fragment: string) => {
    const p = param(`%${fragment}%`);
    where.push(`(c.name ilike ${p} or s.value ilike ${p} or s.normalized ilike ${p})`);
  };
  if (query.q) anywhere(query.q);
  if (query.name) where.push(`c.name ilike ${param(`%${query.name}%`)}`);
  if (query.email) where.push(`(s.kind = 'email' and s.value ilike ${param(`%${query.email}%`)})`);
  if (query.phone) where.push(`exists (select 1 from sender p where p.contact_id = c.id and p.kind = 'phone' and p.value ilike ${param(`%${query.phone}%`)})`);
  if (query.country) where.push(`c.country = ${param(query.country)}`);
  if (query.language) where.push(`c.language = ${param(query.language)}`);
  if (query.integration) where.push(`ci.integration_account_id = ${param(Number(query.integration))}`);
  const text = `
    select distinct c.id, c.name, c.country, c.language, c.note, c.created_at
      from contact c
      left join sender s on s.contact_id = c.id
      ${query.integration ? 'join contact_integration ci on ci.contact_id = c.id' : ''}
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by c.name, c.id
     limit ${PAGE_SIZE} offset ${(page - 1) * PAGE_SIZE}`;
  return { text, values };
}

async function baselinePage(client: pg.Client, query: SearchQuery, page: number): Promise<number> {
  const { rows } = await client.query<{ id: number }>(baselineSql(query, page));
  if (rows.length) await client.query('select * from sender where contact_id = any($1::int[]) order by id', [rows.map((r) => r.id)]);
  return rows.length;
}

export function timeBaseline(client: pg.Client, query: SearchQuery, page: number, runs: number, warmup: number): Promise<Summary> {
  return measure(runs, warmup, () => baselinePage(client, query, page));
}
