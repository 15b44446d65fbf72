// Contact search (spec §3): one box for a fragment of anything, filters, Polish sort, keyset pages.
//
// Shaped by measurements at 1M contacts (see BENCHMARKS.md):
// - fragments of 3+ characters go through one trigram index on a denormalised search column;
// - 1–2 characters cannot use a trigram index, so they match as prefixes through b-tree indexes;
// - matches are first gathered as a capped candidate set, then sorted: "ORDER BY name LIMIT 50" over a
//   fragment filter would otherwise walk the whole name index when the matches sort last;
// - pages are keyset cursors (OFFSET 500000 costs seconds) and there is no exact count on this path.
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fold, digitsOnly, escapeLike, tidy } from '../text.ts';
import { CONTACT_VIEW_COLUMNS, toContactView, type ContactRow, type ContactView } from './contact.view.ts';
import { InvalidInputError } from '../errors.ts';
import { issuesFrom } from './contact.schemas.ts';

/** Past this many matches a search says "refine your search" instead of sorting them all. */
export const CANDIDATE_CAP = 2000;
export const SORTS = ['name', '-name', 'created', '-created'] as const;
export type Sort = (typeof SORTS)[number];

const text = (max: number) =>
  z
    .string({ error: 'error.invalid' })
    .max(max, { error: 'error.query.tooLong' })
    .optional()
    .transform((v) => (v && tidy(v) ? tidy(v) : undefined));

export const SearchQuery = z.object({
  q: text(200),
  name: text(200),
  email: text(254),
  phone: text(40),
  country: text(2).transform((v) => v?.toUpperCase()),
  language: text(2).transform((v) => v?.toLowerCase()),
  integration: z
    .union([z.literal(''), z.coerce.number({ error: 'error.integration.unknown' }).int({ error: 'error.integration.unknown' }).positive({ error: 'error.integration.unknown' })])
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  sort: z.enum(SORTS, { error: 'error.invalid' }).default('name'),
  limit: z.coerce.number({ error: 'error.invalid' }).int({ error: 'error.invalid' }).min(1, { error: 'error.invalid' }).max(100, { error: 'error.invalid' }).default(50),
  cursor: text(1000),
});
export type SearchQuery = z.input<typeof SearchQuery>;

export interface SearchPage {
  items: ContactView[];
  nextCursor: string | null;
  /** More than CANDIDATE_CAP contacts matched the text: the page holds the first ones found, sorted. */
  capped: boolean;
}

/** One SQL condition on the contact table `c`, with its parameters. */
interface Condition {
  sql: string;
  params: unknown[];
}

function where(conditions: Condition[]): string {
  return conditions.length ? `where ${conditions.map((c) => c.sql).join(' and ')}` : '';
}

function senderMatches(kind: 'email' | 'phone', pattern: string): Condition {
  return { sql: 'exists (select 1 from sender s where s.contact_id = c.id and s.kind = ? and s.search_key like ?)', params: [kind, pattern] };
}

/** A typed fragment: the folded text, or the digits of something that looks like a phone number. */
function phoneLike(input: string): boolean {
  return /^[\d\s\-+().\/]+$/u.test(input) && digitsOnly(input).length >= 3;
}

function phoneDigits(input: string): string {
  return digitsOnly(input).replace(/^00/u, '');
}

export async function searchContacts(em: EntityManager, raw: unknown): Promise<SearchPage> {
  const parsed = SearchQuery.safeParse(raw ?? {});
  if (!parsed.success) throw new InvalidInputError(issuesFrom(parsed.error));
  const query = parsed.data;
  const cursor = query.cursor ? decodeCursor(query.cursor, query.sort) : null;

  // Every condition of the query; fragments of 3+ characters are served by the trigram index.
  const conditions: Condition[] = [];
  let hasFragment = false;
  // Ids read through a prefix range scan (b-tree, text_pattern_ops): the first short term drives the candidate set.
  const prefixDrivers: { condition: Condition; sql: string; params: unknown[] }[] = [];

  const addTerm = (term: string, column: 'any' | 'name' | 'email' | 'phone') => {
    if (!term) return;
    const like = escapeLike(term);
    if (term.length >= 3) {
      hasFragment = true;
      conditions.push({ sql: 'c.search_text like ?', params: [`%${like}%`] });
      if (column === 'name') conditions.push({ sql: 'c.name_folded like ?', params: [`%${like}%`] });
      if (column === 'email' || column === 'phone') conditions.push(senderMatches(column, `%${like}%`));
      return;
    }
    const prefix = `${like}%`;
    const condition: Condition =
      column === 'any'
        ? { sql: `(c.name_folded like ? or exists (select 1 from sender s where s.contact_id = c.id and s.search_key like ?))`, params: [prefix, prefix] }
        : column === 'name'
          ? { sql: 'c.name_folded like ?', params: [prefix] }
          : senderMatches(column, prefix);
    conditions.push(condition);
    if (prefixDrivers.length > 0) return;
    const fromNames = `select c.id from contact c where c.name_folded like ? limit ${CANDIDATE_CAP + 1}`;
    const fromSenders = `select s.contact_id from sender s where ${column === 'any' ? '' : 's.kind = ? and '}s.search_key like ? limit ${CANDIDATE_CAP + 1}`;
    prefixDrivers.push(
      column === 'any'
        ? { condition, sql: `select id from ((${fromNames}) union (${fromSenders})) u`, params: [prefix, prefix] }
        : column === 'name'
          ? { condition, sql: fromNames, params: [prefix] }
          : { condition, sql: fromSenders, params: [column, prefix] },
    );
  };

  if (query.q) addTerm(phoneLike(query.q) ? phoneDigits(query.q) : fold(query.q), 'any');
  if (query.name) addTerm(fold(query.name), 'name');
  if (query.email) addTerm(fold(query.email), 'email');
  if (query.phone) addTerm(phoneDigits(query.phone), 'phone');
  if (query.country) conditions.push({ sql: 'c.country = ?', params: [query.country] });
  if (query.language) conditions.push({ sql: 'c.language = ?', params: [query.language] });
  if (query.integration) {
    conditions.push({ sql: 'exists (select 1 from contact_integration ci where ci.contact_id = c.id and ci.integration_account_id = ?)', params: [query.integration] });
  }

  const order = ORDER[query.sort];
  const limit = query.limit + 1;
  let sql: string;
  let params: unknown[];
  if (hasFragment || prefixDrivers.length > 0) {
    // The candidate set carries its sort value, so only the page's rows are read again for display.
    const driver = hasFragment ? null : prefixDrivers[0];
    const filters = conditions.filter((c) => c !== driver?.condition); // the driver already guarantees its own
    if (driver) filters.unshift({ sql: `c.id in (${driver.sql})`, params: driver.params });
    const keyset = cursor ? `where (k, id) ${order.after} (?${order.cast}, ?)` : '';
    sql = `with candidates as materialized (
             select c.id, ${order.key} as k from contact c ${where(filters)} limit ${CANDIDATE_CAP + 1}
           ), page as (
             select id, k from candidates ${keyset} order by ${order.pageOrder} limit ${limit}
           )
           select ${CONTACT_VIEW_COLUMNS}, page.k::text as cursor_key, (select count(*) from candidates)::int as candidate_count
             from page join contact c on c.id = page.id order by ${order.pageOrder}`;
    params = [...filters.flatMap((c) => c.params), ...(cursor ? [cursor.key, cursor.id] : [])];
  } else {
    // No text: walk the sort index, filtering as it goes; keyset pages cost the same at any depth.
    const filters = cursor ? [...conditions, { sql: `(${order.key}, c.id) ${order.after} (?${order.cast}, ?)`, params: [cursor.key, cursor.id] }] : conditions;
    sql = `select ${CONTACT_VIEW_COLUMNS}, ${order.key}::text as cursor_key from contact c ${where(filters)} order by ${order.orderBy} limit ${limit}`;
    params = filters.flatMap((c) => c.params);
  }
  const rows = await em.getConnection().execute<(ContactRow & { cursor_key: string; candidate_count?: number })[]>(sql, params);
  const capped = (rows[0]?.candidate_count ?? 0) > CANDIDATE_CAP;

  const hasMore = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items: items.map(toContactView),
    nextCursor: hasMore && last ? encodeCursor(query.sort, last.cursor_key, last.id) : null,
    capped,
  };
}

/** Each sort over the contact table (`orderBy`) and over the candidate set's columns (`pageOrder`). */
const ORDER: Record<Sort, { key: string; cast: string; orderBy: string; pageOrder: string; after: '>' | '<' }> = {
  name: { key: 'c.sort_key', cast: '', orderBy: 'c.sort_key, c.id', pageOrder: 'k, id', after: '>' },
  '-name': { key: 'c.sort_key', cast: '', orderBy: 'c.sort_key desc, c.id desc', pageOrder: 'k desc, id desc', after: '<' },
  created: { key: 'c.created_at', cast: '::timestamptz', orderBy: 'c.created_at, c.id', pageOrder: 'k, id', after: '>' },
  '-created': { key: 'c.created_at', cast: '::timestamptz', orderBy: 'c.created_at desc, c.id desc', pageOrder: 'k desc, id desc', after: '<' },
};

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/u;

interface Cursor {
  key: string;
  id: number;
}

/** An opaque cursor: the sort it belongs to, the last row's sort value and id. */
function encodeCursor(sort: Sort, key: string, id: number): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: Sort): Cursor {
  try {
    const [cursorSort, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const validKey = typeof key === 'string' && key.length <= 1000 && (sort.endsWith('name') || TIMESTAMP.test(key));
    if (cursorSort === sort && validKey && Number.isSafeInteger(id) && (id as number) > 0) return { key, id: id as number };
  } catch {
    // fall through: any undecodable cursor is the same user-facing problem
  }
  throw new InvalidInputError([{ field: 'cursor', code: 'error.cursor.invalid' }]);
}
