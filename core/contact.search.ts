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
import { fold, digitsOnly, escapeLike, tidy } from './text.ts';
import { CONTACT_VIEW_COLUMNS, toContactView, type ContactRow, type ContactView } from './contact.view.ts';
import { InvalidInputError } from './errors.ts';
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

interface Sql {
  where: string[];
  params: unknown[];
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

  const filters: Sql = { where: [], params: [] };
  // Conditions a trigram index can serve (fragments of 3+ characters), and prefix conditions for shorter input.
  const fragments: string[] = [];
  const prefixes: { contactColumn?: string; senderKind?: string; term: string }[] = [];

  const addTerm = (term: string, column: 'any' | 'name' | 'email' | 'phone') => {
    if (!term) return;
    const like = escapeLike(term);
    if (term.length >= 3) {
      fragments.push(term);
      filters.where.push(`c.search_text like ?`);
      filters.params.push(`%${like}%`);
      if (column === 'name') {
        filters.where.push(`c.name_folded like ?`);
        filters.params.push(`%${like}%`);
      } else if (column === 'email' || column === 'phone') {
        filters.where.push(`exists (select 1 from sender s where s.contact_id = c.id and s.kind = ? and s.search_key like ?)`);
        filters.params.push(column, `%${like}%`);
      }
    } else if (column === 'any') {
      prefixes.push({ contactColumn: 'name_folded', term });
      filters.where.push(`(c.name_folded like ? or exists (select 1 from sender s where s.contact_id = c.id and s.search_key like ?))`);
      filters.params.push(`${like}%`, `${like}%`);
    } else if (column === 'name') {
      prefixes.push({ contactColumn: 'name_folded', term });
      filters.where.push(`c.name_folded like ?`);
      filters.params.push(`${like}%`);
    } else {
      prefixes.push({ senderKind: column, term });
      filters.where.push(`exists (select 1 from sender s where s.contact_id = c.id and s.kind = ? and s.search_key like ?)`);
      filters.params.push(column, `${like}%`);
    }
  };

  if (query.q) addTerm(phoneLike(query.q) ? phoneDigits(query.q) : fold(query.q), 'any');
  if (query.name) addTerm(fold(query.name), 'name');
  if (query.email) addTerm(fold(query.email), 'email');
  if (query.phone) addTerm(phoneDigits(query.phone), 'phone');
  if (query.country) {
    filters.where.push('c.country = ?');
    filters.params.push(query.country);
  }
  if (query.language) {
    filters.where.push('c.language = ?');
    filters.params.push(query.language);
  }
  if (query.integration) {
    filters.where.push('exists (select 1 from contact_integration ci where ci.contact_id = c.id and ci.integration_account_id = ?)');
    filters.params.push(query.integration);
  }

  const order = ORDER[query.sort];
  const page: Sql = { where: [...filters.where], params: [...filters.params] };
  if (cursor) {
    page.where.push(`(${order.key}, c.id) ${order.after} (?${order.cast}, ?)`);
    page.params.push(cursor.key, cursor.id);
  }
  const whereSql = (sql: Sql) => (sql.where.length ? `where ${sql.where.join(' and ')}` : '');

  let candidatesSql = '';
  let candidateParams: unknown[] = [];
  if (fragments.length > 0) {
    // All filters inside the candidate set, so the cap counts real matches.
    candidatesSql = `select c.id from contact c ${whereSql(filters)} limit ${CANDIDATE_CAP + 1}`;
    candidateParams = filters.params;
  } else if (prefixes.length > 0) {
    const p = prefixes[0];
    const like = `${escapeLike(p.term)}%`;
    // Both sides are b-tree range scans (text_pattern_ops); the outer query re-applies every filter.
    candidatesSql = p.contactColumn
      ? `select id from ((select c.id from contact c where c.name_folded like ? limit ${CANDIDATE_CAP + 1})
           union (select s.contact_id from sender s where s.search_key like ? limit ${CANDIDATE_CAP + 1})) u
         limit ${CANDIDATE_CAP + 1}`
      : `select s.contact_id as id from sender s where s.kind = ? and s.search_key like ? limit ${CANDIDATE_CAP + 1}`;
    candidateParams = p.contactColumn ? [like, like] : [p.senderKind, like];
  }

  const select = `select ${CONTACT_VIEW_COLUMNS}, ${order.key}::text as cursor_key`;
  const sql = candidatesSql
    ? `with candidates as materialized (${candidatesSql})
       ${select}, (select count(*) from candidates)::int as candidate_count
       from contact c join candidates on candidates.id = c.id ${whereSql(page)}
       order by ${order.orderBy} limit ${query.limit + 1}`
    : `${select} from contact c ${whereSql(page)} order by ${order.orderBy} limit ${query.limit + 1}`;
  const rows = await em
    .getConnection()
    .execute<(ContactRow & { cursor_key: string; candidate_count?: number })[]>(sql, [...candidateParams, ...page.params]);
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

const ORDER: Record<Sort, { key: string; cast: string; orderBy: string; after: '>' | '<' }> = {
  name: { key: 'c.sort_key', cast: '', orderBy: 'c.sort_key, c.id', after: '>' },
  '-name': { key: 'c.sort_key', cast: '', orderBy: 'c.sort_key desc, c.id desc', after: '<' },
  created: { key: 'c.created_at', cast: '::timestamptz', orderBy: 'c.created_at, c.id', after: '>' },
  '-created': { key: 'c.created_at', cast: '::timestamptz', orderBy: 'c.created_at desc, c.id desc', after: '<' },
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
