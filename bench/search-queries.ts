// The adversarial search set, and how each query is timed through the core's searchContacts.
import type { EntityManager } from '@mikro-orm/postgresql';
import { searchContacts, type SearchQuery } from '../core/contacts/contact.search.ts';
import { measure, type Summary } from './stats.ts';

export interface BenchQuery {
  label: string;
  /** What the query stresses. */
  why: string;
  query: SearchQuery;
  /** A text-fragment query: the ≥ 20× target against the baseline applies to these. */
  fragment: boolean;
  /** The 1,000th page of this filter (followed through cursors). */
  deepPage?: number;
}

/** Resolves the seeded integration account the combined-filter queries use. */
export function benchQueries(allegroId: number): BenchQuery[] {
  return [
    { label: 'nowak', why: 'most common surname', query: { q: 'nowak' }, fragment: true },
    { label: 'kowal', why: 'common name fragment (Kowalski, Kowalczyk, e-mails)', query: { q: 'kowal' }, fragment: true },
    { label: 'zofia', why: 'matches sort last by name', query: { q: 'zofia' }, fragment: true },
    { label: 'ski', why: 'a very common fragment (about a fifth of the contacts here)', query: { q: 'ski' }, fragment: true },
    { label: 'grzegrzolka', why: 'rare name (one contact), diacritics not typed', query: { q: 'grzegrzolka' }, fragment: true },
    { label: 'Grzegrzółka', why: 'rare name, diacritics typed', query: { q: 'Grzegrzółka' }, fragment: true },
    { label: 'lukasz', why: 'Ł not typed (ł does not decompose)', query: { q: 'lukasz' }, fragment: true },
    { label: 'Łukasz', why: 'Ł typed', query: { q: 'Łukasz' }, fragment: true },
    { label: 'qxzvw', why: 'no match', query: { q: 'qxzvw' }, fragment: true },
    { label: 'k', why: '1 character (prefix)', query: { q: 'k' }, fragment: false },
    { label: 'wo', why: '2 characters (prefix)', query: { q: 'wo' }, fragment: false },
    { label: '601 23', why: 'phone digits typed with a space', query: { q: '601 23' }, fragment: true },
    { label: '601-234', why: 'phone digits typed with a dash', query: { q: '601-234' }, fragment: true },
    { label: '+48 60', why: 'phone with +48 prefix', query: { q: '+48 60' }, fragment: true },
    { label: 'kowalski@', why: 'e-mail fragment', query: { q: 'kowalski@' }, fragment: true },
    { label: '@wp.pl', why: 'e-mail domain (common)', query: { q: '@wp.pl' }, fragment: true },
    { label: 'buziaczek', why: 'e-mail domain (less common, ~2%)', query: { q: 'buziaczek' }, fragment: true },
    { label: '-handel', why: 'marketplace handle fragment', query: { q: '-handel' }, fragment: true },
    { label: '50%', why: '% typed (a plain character)', query: { q: '50%' }, fragment: true },
    { label: 'jan_k', why: '_ typed (a plain character)', query: { q: 'jan_k' }, fragment: true },
    { label: 'PL + Allegro + nowak', why: 'country + integration + fragment', query: { q: 'nowak', country: 'PL', integration: allegroId }, fragment: true },
    { label: 'DE + de + müller', why: 'country + language + fragment', query: { q: 'müller', country: 'DE', language: 'de' }, fragment: true },
    { label: 'email=gmail, phone=600', why: 'separate e-mail and phone filters', query: { email: 'gmail', phone: '600' }, fragment: true },
    { label: 'PL, page 1000', why: 'deep page of a broad filter (cursors)', query: { country: 'PL' }, fragment: false, deepPage: 1000 },
  ];
}

export interface PreparedQuery {
  query: SearchQuery;
  /** The page actually reached (a small data set may have fewer than 1,000 pages). */
  page: number;
  /** Rows on the timed page. */
  rows: number;
  capped: boolean;
}

/** For a deep-page query, follows cursors to the wanted page (or the last one) and returns its query. */
export async function prepareQuery(em: EntityManager, bench: BenchQuery): Promise<PreparedQuery> {
  let query: SearchQuery = { ...bench.query };
  let page = 1;
  let result = await searchContacts(em.fork(), query);
  while (bench.deepPage && page < bench.deepPage && result.nextCursor) {
    query = { ...bench.query, cursor: result.nextCursor };
    result = await searchContacts(em.fork(), query);
    page++;
  }
  return { query, page, rows: result.items.length, capped: result.capped };
}

/** Timings of one query through the core (a fresh EntityManager per call, as a request has). */
export function timeOurs(em: EntityManager, query: SearchQuery, runs: number, warmup: number): Promise<Summary> {
  return measure(runs, warmup, () => searchContacts(em.fork(), query));
}
