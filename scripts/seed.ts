// Synthetic contacts for development and benchmarks: `npm run seed -- --contacts N [--seed S] [--reset]`.
//
// Rows are exactly what the core writes (senders through normalizeSender, derived columns through
// searchColumns, an audit event per contact), but loaded with COPY in one transaction: secondary indexes are
// dropped before the load and rebuilt after it, which is several times faster than maintaining them row by
// row. Being one transaction, an interrupted seed leaves the database as it was.
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { openOrm, migrate } from '../core/database.ts';
import { normalizeSender, senderKey, type NormalizedSender, type SenderInput } from '../core/contacts/senders.ts';
import { searchColumns } from '../core/contacts/contact.search-columns.ts';
import { contactSnapshot } from '../core/contacts/contact.audit.ts';
import { IntegrationInput, parseInput } from '../core/contacts/contact.schemas.ts';
import { fold } from '../core/text.ts';
import { actor } from '../core/actor.ts';

export const SEED_ACTOR = actor('import', 'seed', 'Seed script');

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** sfc32: a small, fast PRNG; the same seed always gives the same data set. */
export function prng(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

type Rand = () => number;

/** Picks from a list where the first items are much more frequent than the last (Zipf-like, exponent s). */
function zipf<T>(items: readonly T[], s = 1): (rand: Rand) => T {
  const cumulative: number[] = [];
  let total = 0;
  items.forEach((_, i) => cumulative.push((total += 1 / (i + 1) ** s)));
  return (rand) => {
    const x = rand() * total;
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo];
  };
}

/** Picks by explicit weights: `[[value, weight], …]`. */
function weighted<T>(entries: readonly (readonly [T, number])[]): (rand: Rand) => T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return (rand) => {
    let x = rand() * total;
    for (const [value, w] of entries) if ((x -= w) < 0) return value;
    return entries[entries.length - 1][0];
  };
}

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
const digits = (rand: Rand, n: number) => String(Math.floor(rand() * 10 ** n)).padStart(n, '0');

// ---------------------------------------------------------------------------------------------------------
// Vocabulary (most frequent first)

const MALE_PL = 'Jan Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Łukasz Grzegorz Mateusz Adam Marek Jakub Wojciech Józef Stanisław Rafał Dariusz Bartłomiej Zbigniew Jerzy Maciej Kamil Sebastian Damian Szymon Dawid Przemysław Radosław Mikołaj Kacper Filip Jarosław Sławomir Witold Bogusław Zdzisław Włodzimierz Ireneusz Henryk Ryszard Kazimierz Tadeusz Leszek Mirosław Janusz Roman Patryk Hubert Oskar Igor Wiktor Antoni Ignacy Bronisław Czesław Zenon'.split(' ');
const FEMALE_PL = 'Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Elżbieta Joanna Zofia Aleksandra Monika Teresa Danuta Natalia Julia Karolina Marta Beata Dorota Halina Jadwiga Urszula Grażyna Bożena Jolanta Iwona Renata Hanna Alicja Weronika Oliwia Gabriela Wiktoria Łucja Żaneta Wiesława Stanisława Józefa Genowefa Jagoda Ludmiła Bronisława Ksenia Róża Lidia Sylwia Paulina Emilia Dominika'.split(' ');
const FIRST_FOREIGN = 'John Michael David Emma Olivia Sophie Hans Jürgen Klaus Günther Anneliese Jörg Uwe Birgit François Amélie Hélène Chloé Zoë José Inés Björn Søren Åsa Olena Oksana Andriy Tetiana Petra Jiří Tomáš Lucie Giulia Marco Ayşe Mehmet Siobhán Seán Nguyễn'.split(' ');
const SURNAMES_PL = 'Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Wojciechowski Kwiatkowski Krawczyk Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski Majewski Olszewski Stępień Malinowski Jaworski Adamczyk Dudek Nowicki Pawlak Górski Witkowski Walczak Sikora Baran Rutkowski Michalak Szewczyk Ostrowski Tomaszewski Pietrzak Zalewski Wróblewski Jasiński Marciniak Bąk Zawadzki Sadowski Jakubowski Duda Włodarczyk Chmielewski Borkowski Sokołowski Szczepański Sawicki Lis Kucharski Kalinowski Wysocki Mazurek Kubiak Maciejewski Czarnecki Kołodziej Żak Łukaszewicz Ślusarczyk Gwóźdź Przybylski Kaczmarczyk Wilk Kurek Błaszczyk Cieślak Szulc Czerwiński Sobczak Kołodziejczyk Makowski Głowacki Kozieł Ziółkowski Leśniak Żurawski Kaźmierczak Ćwik Dziedzic Śliwa Kruk'.split(' ');
const SURNAMES_FOREIGN = 'Smith Johnson Brown Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Dupont Lefèvre Moreau Dubois García Fernández López Novák Dvořák Svoboda Černý Horváth Sørensen Ødegaard Åberg O\'Brien Kovalenko Shevchenko Bondarenko Rossi Bianchi Nguyen Yılmaz Jensen'.split(' ');
/** Each used for exactly one contact: "rare" queries find one row. */
const RARE_SURNAMES = ['Grzegrzółka', 'Chrząszczewski', 'Szczebrzeszyński', 'Brzęczyszczykiewicz', 'Żółtowska-Ćwikła', 'Pszczółkowski', 'Źdźbłowski', 'Mścisławski'];
const COMPANY_WORDS = 'Meblex Auto-Części Drewnex Hurtownia Elektro Budmat Kwiaciarnia Piekarnia Ogrodex Polmlek Techmet Żabka Łódzkie Śląskie Bałtyk Tatry Mazowsze Pomorze Wisła Odra Sklep Apteka Drukarnia Transpol Stal-Hut Agro Fotomax Zoo-Świat Ceramika Kamex Textil Modex Kosmetyki Zdrowie Rowery Sport-Max Optyk Biuro Serwis Wulkanizacja Pralnia Kawiarnia Cukiernia Market'.split(' ');
const COMPANY_SUFFIX = ['Sp. z o.o.', 's.c.', 'S.A.', 'Sp.j.', 'GmbH', 'Ltd', 'SARL', 's.r.o.', 'B.V.', ''];
const CITIES = 'Warszawa Kraków Łódź Wrocław Poznań Gdańsk Szczecin Bydgoszcz Lublin Białystok Katowice Gdynia Częstochowa Radom Toruń Kielce Rzeszów Gliwice Zabrze Olsztyn Opole Zielona Góra Płock Elbląg Tarnów Chorzów Kalisz Koszalin Legnica Grudziądz Słupsk'.split(' ');

const FREE_MAIL = zipf(['gmail.com', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl', 'op.pl', 'yahoo.com', 'outlook.com', 'gazeta.pl', 'hotmail.com', 'icloud.com', 'gmx.de', 'web.de', 't-online.de', 'seznam.cz', 'orange.fr', 'tlen.pl', 'poczta.fm', 'ukr.net', 'free.fr', 'libero.it', 'proton.me', 'vp.pl', 'autograf.pl', 'buziaczek.pl', 'go2.pl']);
const COUNTRY = weighted<string | null>([['PL', 70], [null, 8], ['DE', 6], ['CZ', 3], ['GB', 3], ['UA', 3], ['FR', 2], ['US', 1.5], ['SK', 1], ['LT', 0.8], ['IT', 0.8], ['ES', 0.5], ['NL', 0.4]]);
const LANGUAGE_OF: Record<string, string> = { PL: 'pl', DE: 'de', CZ: 'cs', GB: 'en', UA: 'uk', FR: 'fr', US: 'en', SK: 'sk', LT: 'lt', IT: 'it', ES: 'es', NL: 'nl' };
const SENDER_COUNT = weighted([[1, 30], [2, 40], [3, 30]]);
const SENDER_KIND = weighted<'email' | 'phone' | 'handle'>([['email', 50], ['phone', 30], ['handle', 20]]);
const HANDLE_PLATFORM = weighted([['allegro', 35], ['olx', 12], ['ebay', 10], ['facebook', 10], ['amazon', 8], ['instagram', 6], ['vinted', 4], ['kaufland', 4], ['temu', 3], ['erli', 2], ['etsy', 2], ['shopee', 2], ['empik', 2]]);
const INTEGRATION_COUNT = weighted([[0, 20], [1, 55], [2, 20], [3, 5]]);
const NOTES = ['VIP: zawsze wysyłka kurierem.', 'Prosi o fakturę VAT na firmę.', 'Kontakt tylko mailowo, nie dzwonić.', 'Returns often — check the order history first.', 'Spricht nur Deutsch.', 'Reklamacja 2024 rozwiązana polubownie.'];

export const SEED_INTEGRATIONS = [
  { platform: 'allegro', label: 'Allegro — sklep główny' },
  { platform: 'allegro', label: 'Allegro — outlet' },
  { platform: 'amazon', label: 'Amazon DE' },
  { platform: 'ebay', label: 'eBay' },
  { platform: 'olx', label: 'OLX' },
  { platform: 'kaufland', label: 'Kaufland PL' },
  { platform: 'temu', label: 'Temu' },
  { platform: 'erli', label: 'Erli' },
  { platform: 'facebook', label: 'Facebook — fanpage' },
  { platform: 'instagram', label: 'Instagram' },
  { platform: 'whatsapp', label: 'WhatsApp Business' },
  { platform: 'email', label: 'IMAP — support@sklep.example' },
];

// Mobile numbering plans: national numbers valid by construction (every 50th is checked by the core, see normalize()).
const PHONE_PLANS: Record<string, { cc: string; make: (rand: Rand) => string; groups: number[] }> = {
  PL: { cc: '48', make: (r) => pick(r, ['50', '51', '53', '57', '60', '66', '69', '72', '73', '78', '79', '88']) + digits(r, 7), groups: [3, 3, 3] },
  DE: { cc: '49', make: (r) => pick(r, ['151', '152', '157', '159', '170', '171', '172', '173', '175', '176', '177', '178', '179']) + digits(r, 8), groups: [3, 8] },
  CZ: { cc: '420', make: (r) => pick(r, ['601', '602', '603', '604', '605', '606', '607', '608', '720', '723', '728', '731', '736', '737', '739', '775', '777', '792']) + digits(r, 6), groups: [3, 3, 3] },
  GB: { cc: '44', make: (r) => pick(r, ['74', '75', '78']) + digits(r, 8), groups: [4, 6] },
  FR: { cc: '33', make: (r) => pick(r, ['61', '62', '64', '65', '66', '67', '68', '75', '76', '77', '78']) + digits(r, 7), groups: [1, 2, 2, 2, 2] },
  UA: { cc: '380', make: (r) => pick(r, ['50', '63', '66', '67', '68', '73', '93', '95', '96', '97', '98', '99']) + digits(r, 7), groups: [2, 3, 2, 2] },
  US: { cc: '1', make: (r) => pick(r, ['212', '305', '312', '415', '617', '646', '718', '206', '303', '404']) + String(2 + Math.floor(r() * 8)) + digits(r, 6), groups: [3, 3, 4] },
};
const PHONE_COUNTRIES = Object.keys(PHONE_PLANS);

function grouped(national: string, groups: number[], sep: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    parts.push(national.slice(at, at + size));
    at += size;
  }
  return parts.filter(Boolean).join(sep);
}

// ---------------------------------------------------------------------------------------------------------
// One contact

export interface SeedContact {
  id: number;
  name: string;
  country: string | null;
  language: string | null;
  note: string | null;
  senders: NormalizedSender[];
  integrations: number[];
  createdAt: Date;
}

export interface GeneratorStats {
  /** Phones generated; every 50th is checked against the core's normalisation. */
  phones: number;
  /** Generated sender candidates the core refused (should stay 0: numbers are valid by construction). */
  refused: number;
  /** Candidates that collided with an earlier sender and were drawn again. */
  collisions: number;
}

const SEED_EPOCH = Date.UTC(2023, 0, 1);
const SEED_SPAN_MS = 3 * 365 * 24 * 3600 * 1000;

/**
 * A deterministic stream of `total` unique contacts: creation times spread over three years, each rare
 * surname placed exactly once.
 */
export function* generateContacts(total: number, seed: number, integrationIds: number[], stats: GeneratorStats = { phones: 0, refused: 0, collisions: 0 }): Generator<SeedContact> {
  const rand = prng(seed);
  const names = new Set<string>();
  const numbered = new Map<string, number>();
  const senders = new Set<string>();
  const maleFirst = zipf(MALE_PL, 0.7), femaleFirst = zipf(FEMALE_PL, 0.7), foreignFirst = zipf(FIRST_FOREIGN, 0.7);
  const surnamePl = zipf(SURNAMES_PL, 0.8), surnameForeign = zipf(SURNAMES_FOREIGN, 0.8);
  const rareAt = new Map(RARE_SURNAMES.map((s, i) => [Math.floor(((i + 0.5) * total) / RARE_SURNAMES.length) + 1, s]));

  for (let id = 1; id <= total; id++) {
    const country = COUNTRY(rand);
    const foreign = country !== null && country !== 'PL' && rand() < 0.7;
    const female = rand() < 0.5;
    const isCompany = !rareAt.has(id) && rand() < 0.1; // a rare surname stays a person's, so it is findable
    const first = foreign ? foreignFirst(rand) : female ? femaleFirst(rand) : maleFirst(rand);
    let last = rareAt.get(id) ?? (foreign ? surnameForeign(rand) : surnamePl(rand));
    if (female && !foreign) last = last.replace(/ski$/u, 'ska').replace(/cki$/u, 'cka').replace(/dzki$/u, 'dzka');

    const base = isCompany ? companyName(rand, last) : `${first} ${last}`;
    const count = SENDER_COUNT(rand);
    const list: NormalizedSender[] = [];
    const region = country ?? 'PL';
    let input = senderInput(rand, SENDER_KIND(rand), first, last, isCompany ? base : null, country);
    while (list.length < count) {
      const result = normalize(input, region, stats);
      if (!result.ok) stats.refused++;
      else if (senders.has(senderKey(result.sender))) stats.collisions++;
      else {
        senders.add(senderKey(result.sender));
        list.push(result.sender);
        input = senderInput(rand, SENDER_KIND(rand), first, last, isCompany ? base : null, country);
        continue;
      }
      // Taken: the same address or handle with a few more digits, as people do; a phone is drawn again.
      if (input.kind === 'phone') input = senderInput(rand, 'phone', first, last, null, country);
      else input = { ...input, value: input.kind === 'email' ? input.value.replace('@', `${digits(rand, 2)}@`) : `${input.value}${digits(rand, 2)}` };
    }
    const name = uniqueName(rand, names, numbered, base, first, female, foreign, list[0].value);
    const integrations = new Set<number>();
    for (let n = INTEGRATION_COUNT(rand); integrations.size < Math.min(n, integrationIds.length); ) integrations.add(pick(rand, integrationIds));
    yield {
      id,
      name,
      country,
      language: country && rand() < 0.9 ? LANGUAGE_OF[country] : rand() < 0.5 ? 'en' : null,
      note: rand() < 0.03 ? pick(rand, NOTES) : null,
      senders: list,
      integrations: [...integrations].sort((a, b) => a - b),
      createdAt: new Date(SEED_EPOCH + Math.floor((id / total) * SEED_SPAN_MS)),
    };
  }
}

function companyName(rand: Rand, surname: string): string {
  const word = pick(rand, COMPANY_WORDS);
  const name = pick(rand, [word, `${word} ${surname}`, `${word}-${pick(rand, COMPANY_WORDS)}`, `${word} ${pick(rand, CITIES)}`, `${surname} i ${pick(rand, SURNAMES_PL)}`]);
  return `${name} ${pick(rand, COMPANY_SUFFIX)}`.trim();
}

/**
 * Names are unique (case-insensitively): a clash gets a second given name, then a second surname (women),
 * then a city, then the first sender's value as quick-add names contacts, and only then a number.
 * `numbered` remembers the last number given to each base name, so a common name costs no rescans.
 */
function uniqueName(rand: Rand, taken: Set<string>, numbered: Map<string, number>, base: string, first: string, female: boolean, foreign: boolean, senderValue: string): string {
  const secondName = () => (foreign ? pick(rand, FIRST_FOREIGN) : pick(rand, female ? FEMALE_PL : MALE_PL));
  const candidates = [
    () => base,
    () => base.replace(first, `${first} ${secondName()}`),
    () => base.replace(first, `${first} ${secondName()}`),
    () => (female ? `${base}-${pick(rand, SURNAMES_PL).replace(/ski$/u, 'ska').replace(/cki$/u, 'cka')}` : base.replace(first, `${first} ${secondName()}`)),
    () => `${base} (${pick(rand, CITIES)})`,
    () => `${base} (${senderValue})`, // what quick-add does with a taken name
  ];
  for (const candidate of candidates) {
    const name = candidate();
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
  for (let n = (numbered.get(base) ?? 1) + 1; ; n++) {
    const name = `${base} (${n})`;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      numbered.set(base, n);
      return name;
    }
  }
}

/** Folded name parts as they appear in addresses and nicks ("Łukasz" → "lukasz"), computed once per part. */
const asciiParts = new Map<string, string>();
function ascii(part: string): string {
  let folded = asciiParts.get(part);
  if (folded === undefined) asciiParts.set(part, (folded = fold(part).replace(/[^a-z-]/gu, '')));
  return folded;
}

/** A sender as typed; a generated phone also carries the E.164 form it was built from. */
type GeneratedSender = SenderInput & { e164?: string };

/**
 * The core's normalisation, except for phones: libphonenumber reads ~80,000 numbers a second, a fifth of the
 * whole seed's time at 1M contacts, and the generated numbers are valid by construction. Every 50th phone still
 * goes through the core, and any difference stops the seed.
 */
function normalize(input: GeneratedSender, region: string, stats: GeneratorStats): ReturnType<typeof normalizeSender> {
  if (!input.e164 || stats.phones++ % 50 === 0) {
    const result = normalizeSender(input, region);
    if (input.e164 && (!result.ok || result.sender.normalized !== input.e164)) {
      throw new Error(`phone ${input.value} (${region}) was built as ${input.e164} but the core reads it as ${result.ok ? result.sender.normalized : result.error}`);
    }
    return result;
  }
  const digitsOnly = input.e164.slice(1);
  return { ok: true, sender: { kind: 'phone', value: input.value, normalized: input.e164, platform: null, digits: digitsOnly, searchKey: digitsOnly } };
}

function senderInput(rand: Rand, kind: 'email' | 'phone' | 'handle', first: string, last: string, company: string | null, country: string | null): GeneratedSender {
  const f = ascii(first);
  const l = ascii(last);
  const year = String(60 + Math.floor(rand() * 45)).slice(-2);
  if (kind === 'email') {
    const domain = company && rand() < 0.7 ? `${fold(company).replace(/[^a-z]+/gu, '').slice(0, 20) || 'firma'}.${pick(rand, ['pl', 'com.pl', 'eu', 'com', 'de'])}` : FREE_MAIL(rand);
    const local = company && rand() < 0.5
      ? pick(rand, ['biuro', 'kontakt', 'sklep', 'info', 'office', 'zamowienia'])
      : pick(rand, [`${f}.${l}`, `${f}${l}`, `${f[0]}${l}`, `${l}.${f}`, `${f}_${l}${year}`, `${f}${year}`, `${f}.${l}${digits(rand, 2)}`]);
    const address = `${local}${rand() < 0.15 ? digits(rand, 3) : ''}@${domain}`;
    return { kind, value: rand() < 0.05 ? address.replace(/^./u, (c) => c.toUpperCase()) : address };
  }
  if (kind === 'phone') {
    const phoneCountry = country && PHONE_PLANS[country] ? (rand() < 0.85 ? country : pick(rand, PHONE_COUNTRIES)) : rand() < 0.7 ? 'PL' : pick(rand, PHONE_COUNTRIES);
    const plan = PHONE_PLANS[phoneCountry];
    const national = plan.make(rand);
    const local = phoneCountry === (country ?? 'PL'); // typed without a prefix only when it is read with this region
    const style = Math.floor(rand() * (local ? 6 : 4));
    const value = [
      `+${plan.cc} ${grouped(national, plan.groups, ' ')}`,
      `+${plan.cc}${national}`,
      `00${plan.cc}${national}`,
      `(+${plan.cc}) ${grouped(national, plan.groups, '-')}`,
      grouped(national, plan.groups, ' '),
      grouped(national, plan.groups, '-'),
    ][style];
    return { kind, value, e164: `+${plan.cc}${national}` };
  }
  const platform = HANDLE_PLATFORM(rand);
  const handle = platform === 'facebook' && rand() < 0.6
    ? `${first} ${last}`
    : pick(rand, [`${f}_${l}`, `${f}${year}`, `${l}.${f}`, `${first.toLowerCase()}_${year}`, `${l.toUpperCase()}${digits(rand, 2)}`, `${f}-${pick(rand, ['sklep', 'shop', 'handel', 'moto', 'dom'])}`]);
  return { kind, value: rand() < 0.1 ? `@${handle}` : handle, platform };
}

// ---------------------------------------------------------------------------------------------------------
// COPY FROM STDIN with plain `pg` (a "submittable" query, as pg-copy-streams does it)

class CopyIn {
  callback?: (error: Error | null) => void;
  private error: Error | null = null;
  constructor(
    private readonly sql: string,
    private readonly data: string,
  ) {}
  submit(connection: { query(sql: string): void }): void {
    connection.query(this.sql);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    const bytes = Buffer.from(this.data, 'utf8');
    for (let at = 0; at < bytes.length; at += 1 << 16) connection.sendCopyFromChunk(bytes.subarray(at, at + (1 << 16)));
    connection.endCopyFrom();
  }
  handleCommandComplete(): void {}
  handleError(error: Error): void {
    this.error = error;
  }
  handleReadyForQuery(): void {
    this.callback?.(this.error);
  }
}

function copyIn(client: pg.Client, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const copy = new CopyIn(sql, data);
    copy.callback = (error) => (error ? reject(error) : resolve());
    client.query(copy as unknown as pg.QueryConfig);
  });
}

/** One COPY text-format field: \N for null, backslash escapes for the characters COPY treats specially. */
function field(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/gu, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}
const line = (values: (string | number | null)[]) => values.map(field).join('\t') + '\n';

const TABLES = {
  contact: 'contact (id, name, name_key, name_folded, sort_key, search_text, country, language, note, created_at, updated_at, created_via, created_by_id, created_by_name, version)',
  sender: 'sender (id, contact_id, kind, value, normalized, platform, digits, search_key, source_url, added_via, added_by_id, added_by_name, created_at)',
  contact_integration: 'contact_integration (contact_id, integration_account_id)',
  audit_event: 'audit_event (id, contact_id, contact_name, action, channel, actor_id, actor_name, at, before, after)',
} as const;
type Table = keyof typeof TABLES;

/** The rows the core's createContact would write for this contact, as COPY text per table. */
function appendRows(batch: Record<Table, string[]>, contact: SeedContact, ids: { nextSender(): number; auditOffset: number }): void {
  const at = contact.createdAt.toISOString();
  const columns = searchColumns(contact.name, contact.senders);
  const { channel, id: actorId, name: actorName } = SEED_ACTOR;
  batch.contact.push(line([contact.id, contact.name, columns.nameKey, columns.nameFolded, columns.sortKey, columns.searchText, contact.country, contact.language, contact.note, at, at, channel, actorId, actorName, 1]));
  for (const s of contact.senders) {
    batch.sender.push(line([ids.nextSender(), contact.id, s.kind, s.value, s.normalized, s.platform, s.digits, s.searchKey, null, channel, actorId, actorName, at]));
  }
  for (const integrationId of contact.integrations) batch.contact_integration.push(line([contact.id, integrationId]));
  const after = contactSnapshot(contact);
  batch.audit_event.push(line([contact.id + ids.auditOffset, contact.id, contact.name, 'created', channel, actorId, actorName, at, null, JSON.stringify(after)]));
}

// ---------------------------------------------------------------------------------------------------------
// Loading

export interface SeedOptions {
  url: string;
  contacts: number;
  seed?: number;
  /** Empty the contact tables first; without it the database must hold no contacts. */
  reset?: boolean;
  /** Called with (done, total) as contacts are written, and once per later phase. */
  progress?: (done: number, total: number, phase: string) => void;
}

export interface SeedResult {
  contacts: number;
  senders: number;
  seconds: number;
  stats: GeneratorStats;
}

const BATCH = 10_000;

export async function seedDatabase(options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const orm = await openOrm({ url: options.url, poolMax: 1, statementTimeoutMs: 600_000 });
  try {
    await migrate(orm); // the schema is the core's: the same migrations the server runs
  } finally {
    await orm.close(true);
  }
  const client = new pg.Client({ connectionString: options.url, application_name: 'contactdesk-seed' });
  client.on('error', () => {}); // a dropped connection surfaces as the failing query's error
  await client.connect();
  const stats: GeneratorStats = { phones: 0, refused: 0, collisions: 0 };
  let senderId = 0;
  try {
    await client.query('begin');
    await client.query("set local maintenance_work_mem = '1GB'");
    await client.query('set local synchronous_commit = off');
    if (options.reset) {
      await client.query('truncate contact, sender, contact_integration, audit_event, integration_account restart identity cascade');
    } else {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from contact');
      if (rows[0].n > 0) throw new Error(`the database already holds ${rows[0].n} contacts: pass --reset to replace them`);
    }
    const integrationIds = await insertIntegrations(client);
    const rebuild = await dropSecondaryIndexes(client);
    // FREEZE writes rows already visible to all, so the first reads need not set hint bits on 3M rows.
    const freeze = options.reset ? ' with (freeze)' : '';
    // Audit ids continue the sequence (history of contacts deleted before a seed without --reset is kept).
    const auditOffset = Number((await client.query<{ n: string }>("select nextval('audit_event_id_seq') as n")).rows[0].n) - 1;
    const ids = { nextSender: () => ++senderId, auditOffset };

    const generator = generateContacts(options.contacts, options.seed ?? 1, integrationIds, stats);
    let pending: Promise<void> = Promise.resolve();
    let done = 0;
    for (;;) {
      const batch: Record<Table, string[]> = { contact: [], sender: [], contact_integration: [], audit_event: [] };
      for (let i = 0; i < BATCH; i++) {
        const next = generator.next();
        if (next.done) break;
        appendRows(batch, next.value, ids);
        // Let the socket events of the COPY in flight run, so the database works while this batch is built.
        if (i % 500 === 499) await new Promise(setImmediate);
      }
      if (batch.contact.length === 0) break;
      await pending; // generating this batch overlapped with the database writing the previous one
      done += batch.contact.length;
      const count = done;
      pending = (async () => {
        for (const table of Object.keys(TABLES) as Table[]) await copyIn(client, `copy ${TABLES[table]} from stdin${freeze}`, batch[table].join(''));
        options.progress?.(count, options.contacts, 'contacts');
      })();
      pending.catch(() => {}); // awaited above or below; this keeps an early failure from being "unhandled"
    }
    await pending;
    options.progress?.(options.contacts, options.contacts, 'indexes');
    for (const statement of rebuild) await client.query(statement);
    await client.query(`select setval('contact_id_seq', greatest((select max(id) from contact), 1))`);
    await client.query(`select setval('sender_id_seq', greatest((select max(id) from sender), 1))`);
    await client.query(`select setval('audit_event_id_seq', greatest((select max(id) from audit_event), 1))`);
    await client.query('commit');
    options.progress?.(options.contacts, options.contacts, 'analyze');
    await client.query('vacuum (analyze) contact, sender, contact_integration, audit_event, integration_account');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  return { contacts: options.contacts, senders: senderId, seconds: (performance.now() - started) / 1000, stats };
}

async function insertIntegrations(client: pg.Client): Promise<number[]> {
  const ids: number[] = [];
  for (const raw of SEED_INTEGRATIONS) {
    const input = parseInput(IntegrationInput, raw); // the core's own validation of a platform and label
    const { rows } = await client.query<{ id: number }>(
      `insert into integration_account (platform, label, created_at) values ($1, $2, $3)
         on conflict (platform, label) do update set label = excluded.label returning id`,
      [input.platform, input.label, new Date(SEED_EPOCH)],
    );
    ids.push(rows[0].id);
  }
  return ids;
}

/**
 * Drops the foreign keys, unique constraints and indexes (other than primary keys) of the tables being
 * loaded, and returns the statements that recreate them exactly as the migrations defined them.
 */
async function dropSecondaryIndexes(client: pg.Client): Promise<string[]> {
  const tables = Object.keys(TABLES);
  const constraints = await client.query<{ table: string; name: string; def: string; type: string }>(
    `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def, contype as type
       from pg_constraint where conrelid = any($1::regclass[]) and contype in ('f', 'u') order by contype`,
    [tables],
  );
  const indexes = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i where i.indrelid = any($1::regclass[]) and not i.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const c of constraints.rows) await client.query(`alter table ${c.table} drop constraint "${c.name}"`);
  for (const i of indexes.rows) await client.query(`drop index ${i.name}`);
  // Unique constraints and indexes first, foreign keys last (they need the referenced keys in place).
  const unique = constraints.rows.filter((c) => c.type === 'u').map((c) => `alter table ${c.table} add constraint "${c.name}" ${c.def}`);
  const foreign = constraints.rows.filter((c) => c.type === 'f').map((c) => `alter table ${c.table} add constraint "${c.name}" ${c.def}`);
  return [...unique, ...indexes.rows.map((i) => i.def), ...foreign];
}

// ---------------------------------------------------------------------------------------------------------
// Command line

export function progressBar(label: string): (done: number, total: number, phase: string) => void {
  const started = performance.now();
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (done, total, phase) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (phase !== 'contacts') {
      process.stderr.write(`${tty ? '\n' : ''}${label}: ${phase === 'indexes' ? 'rebuilding indexes' : 'vacuum and analyze'}… (${seconds} s)\n`);
      return;
    }
    const share = total ? done / total : 1;
    const width = 30;
    const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '-');
    const text = `${label}: [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} contacts, ${seconds} s`;
    if (tty) process.stderr.write(`\r${text}`);
    else if (Math.floor(share * 10) > lastTenth) process.stderr.write(`${text}\n`);
    lastTenth = Math.floor(share * 10);
  };
}

function parseArgs(argv: string[]): { contacts: number; seed: number; reset: boolean } {
  const args = { contacts: NaN, seed: 1, reset: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reset') args.reset = true;
    else if (arg === '--contacts' || arg === '--seed') args[arg === '--contacts' ? 'contacts' : 'seed'] = Number(argv[++i]?.replace(/_/gu, ''));
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(args.contacts) || args.contacts < 1) throw new Error('--contacts N is required (a positive whole number, e.g. 1000000)');
  if (!Number.isInteger(args.seed)) throw new Error('--seed S must be a whole number');
  return args;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL to the database to fill (it is migrated first)');
  const args = parseArgs(process.argv.slice(2));
  const result = await seedDatabase({ url, ...args, progress: progressBar('seed') });
  console.log(
    `seeded ${result.contacts.toLocaleString('en')} contacts and ${result.senders.toLocaleString('en')} senders in ${result.seconds.toFixed(1)} s` +
      ` (seed ${args.seed}; ${result.stats.collisions} sender collisions redrawn, ${result.stats.refused} refused by the core)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
