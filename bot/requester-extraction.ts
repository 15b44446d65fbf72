// Reads a ticket's requester (customer e-mail, phone or marketplace handle) out of the Slack message an agent clicked on.

export type RequesterKind = 'email' | 'phone' | 'handle' | 'none';

export interface Requester {
  kind: RequesterKind;
  value: string | null;
  /** Only for `email`. */
  displayName: string | null;
  /** Only for `handle`: a lower-case platform code, or null when the message does not say. */
  platform: string | null;
}

/**
 * The `message` of a message-shortcut payload. Slack (or an attacker) can send anything, so every field is
 * `unknown` and narrowed where it is read; a field of the wrong type counts as absent.
 */
export interface SlackMessage {
  text?: unknown;
  blocks?: unknown;
  attachments?: unknown;
  files?: unknown;
  [field: string]: unknown;
}

type UnknownRecord = Record<string, unknown>;

const CHUNK_LIMIT = 20_000;
const DISPLAY_NAME_LIMIT = 128;

// ---------------------------------------------------------------------------------------------------------------
// Slack markup and e-mail addresses

/** Slack mrkdwn → plain text: mailto/tel links become their target, mentions and bare URLs vanish, labelled URLs become their label; then `&lt; &gt; &amp;` are decoded. */
export function unwrapSlackMarkup(text: string): string {
  if (typeof text !== 'string') return '';
  const unwrapped = text.replace(/<([^<>]*)>/g, (_, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar < 0 ? inner : inner.slice(0, bar);
    if (/^mailto:/i.test(target)) return target.slice('mailto:'.length);
    if (/^tel:/i.test(target)) return target.slice('tel:'.length);
    if (/^[@#!]/.test(target)) return '';
    return bar < 0 ? '' : inner.slice(bar + 1);
  });
  return decodeEntities(unwrapped);
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// The left-boundary lookbehind lets a local part start only where a run of local-part characters starts, which
// keeps the scan linear on hostile input such as "aaaa…@bbbb…" without a TLD.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const EMAIL_BODY = `[A-Za-z0-9._%+-]{1,64}@(?:${LABEL}\\.)+[A-Za-z]{2,24}`;
const EMAIL_IN_TEXT = new RegExp(`(?<![A-Za-z0-9._%+-])${EMAIL_BODY}(?![A-Za-z0-9-])`, 'g');
const WHOLE_EMAIL = new RegExp(`^${EMAIL_BODY}$`);

const SYSTEM_LOCAL_PARTS = new Set([
  'noreply', 'no-reply', 'no_reply', 'donotreply', 'do-not-reply', 'do_not_reply', 'mailer-daemon', 'postmaster',
]);

/** Robot senders (noreply@…, mailer-daemon@…) and Slack's own channel-inbox addresses: never a customer. */
export function isSystemAddress(email: string): boolean {
  if (typeof email !== 'string') return false;
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return SYSTEM_LOCAL_PARTS.has(address.slice(0, Math.max(at, 0))) || domain === 'slack.com' || domain.endsWith('.slack.com');
}

// Lower-casing the local part too is a deliberate product choice (see the spec).
function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** The first e-mail address in `text` that is not a system address, normalised. */
function firstCustomerEmail(text: string): string | null {
  for (const match of text.matchAll(EMAIL_IN_TEXT)) {
    // The pattern always ends in TLD letters, so the spec's "strip one trailing dot" never has anything to strip.
    const address = normaliseEmail(match[0]);
    if (!isSystemAddress(address)) return address;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Phones

const NOT_AFTER_WORD = String.raw`(?<![\p{L}\p{N}_+])`;
const NOT_AFTER_WORD_OR_DASH = String.raw`(?<![\p{L}\p{N}_+-])`;
const NO_MORE_DIGITS = String.raw`(?![ -]?\d)`;
const KEYWORD_GAP = String.raw`[ \t\u00A0]*(?:[.:]{1,2}[ \t\u00A0]*)?`; // "tel 6…", "tel: 6…", "tel.6…", "tel.: 6…"
// "nr tel" needs no entry of its own: "tel" after "nr " already qualifies.
const PHONE_KEYWORD = 'telefon|tel|phone|komórka|kom|mobile';

const PHONE = new RegExp(
  [
    String.raw`${NOT_AFTER_WORD}\+48(?:[ -]?\d){9}${NO_MORE_DIGITS}`,
    String.raw`${NOT_AFTER_WORD}0048(?:[ -]?\d){9}${NO_MORE_DIGITS}`,
    String.raw`${NOT_AFTER_WORD}\+(?!48)\d(?:[ -]?\d){7,14}${NO_MORE_DIGITS}`,
    String.raw`${NOT_AFTER_WORD_OR_DASH}\d{3}(?<separator>[ -])\d{3}\k<separator>\d{3}${NO_MORE_DIGITS}`,
    String.raw`${NOT_AFTER_WORD_OR_DASH}\d{2} \d{3} \d{2} \d{2}${NO_MORE_DIGITS}`,
    String.raw`${NOT_AFTER_WORD_OR_DASH}(?:${PHONE_KEYWORD})${KEYWORD_GAP}\d{9}${NO_MORE_DIGITS}`,
  ].join('|'),
  'iu',
);

/** The leftmost phone number in `text` (rule 5 of the spec), as E.164, or null. */
export function findPhone(text: string): string | null {
  if (typeof text !== 'string') return null;
  const match = PHONE.exec(text);
  if (!match) return null;
  const digits = match[0].replace(/\D/g, '');
  if (match[0].startsWith('+')) return `+${digits}`;
  if (digits.length === 13) return `+${digits.slice(2)}`; // the 0048 form; every local form has 9 digits
  return `+48${digits}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Display names

/** A display name fit to name a contact: no HTML, no address, no invisible characters, no wrapping punctuation; null when nothing is left. */
export function sanitizeDisplayName(raw: unknown, address: string): string | null {
  if (typeof raw !== 'string') return null;
  const ownAddress = typeof address === 'string' ? address : '';
  let name = decodeEntities(raw.normalize('NFC'));
  name = deleteTags(deleteElement(deleteElement(name, 'script'), 'style'));
  name = deleteEvery(deleteEvery(name, ownAddress), 'mailto:');
  name = name.replace(/[\t\n\r\v\f]/g, ' ').replace(/[\p{Cc}\p{Cf}]/gu, '');
  name = Array.from(tidyUntilStable(name)).slice(0, DISPLAY_NAME_LIMIT).join('');
  if (name === '' || name.toLowerCase() === ownAddress.toLowerCase()) return null;
  return name;
}

// Only the part up to the last closing tag is handed to the lazy regex, so an opening tag is never followed by a
// fruitless scan to the end of the text (which would make many unclosed tags quadratic).
function deleteElement(text: string, tag: 'script' | 'style'): string {
  let end = -1;
  for (const closing of text.matchAll(new RegExp(`</${tag}\\s*>`, 'gi'))) end = closing.index + closing[0].length;
  if (end < 0) return text;
  const element = new RegExp(`<${tag}\\b[^<>]*>[\\s\\S]*?</${tag}\\s*>`, 'gi');
  return text.slice(0, end).replace(element, '') + text.slice(end);
}

/** Deletes every `<…>`, nested ones included (`<a<b>>`), in one pass: a single regex pass would leave `<a>`. */
function deleteTags(text: string): string {
  const kept: string[] = [];
  const openings: number[] = []; // where each still-open "<" sits in `kept`
  for (const character of text) {
    const opening = character === '>' ? openings.pop() : undefined;
    if (opening !== undefined) {
      kept.length = opening;
      continue;
    }
    if (character === '<') openings.push(kept.length);
    kept.push(character);
  }
  return kept.join('');
}

function deleteEvery(text: string, needle: string): string {
  if (needle === '') return text;
  return text.replace(new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '');
}

// Step 6 of the spec ("repeat until stable") in linear time: removing an empty pair never exposes a new end and
// stripping ends never creates an empty pair, so the two can run one after the other instead of alternating.
function tidyUntilStable(text: string): string {
  return stripEnds(removeEmptyBrackets(text).replace(/\s+/g, ' '));
}

const OPENING_OF: Readonly<Record<string, string>> = { ')': '(', ']': '[', '>': '<' };

/** Removes `()`, `[]` and `<>` holding only whitespace, including those left empty by removing inner ones. */
function removeEmptyBrackets(text: string): string {
  const kept: string[] = [];
  for (const character of text) {
    const opening = OPENING_OF[character];
    if (opening !== undefined) {
      let top = kept.length - 1;
      while (top >= 0 && /\s/.test(kept[top])) top--;
      if (top >= 0 && kept[top] === opening) {
        kept.length = top;
        continue;
      }
    }
    kept.push(character);
  }
  return kept.join('');
}

const STRIPPED_FROM_ENDS = ' *_~`,;:|-';
const QUOTE_PAIRS = ['""', "''", '„”', '“”'];

/** Strips spaces, `*_~` + backtick and `,;:|-` from both ends, and surrounding quote pairs, until nothing changes. */
function stripEnds(text: string): string {
  let start = 0;
  let end = text.length;
  for (;;) {
    while (start < end && STRIPPED_FROM_ENDS.includes(text[start])) start++;
    while (end > start && STRIPPED_FROM_ENDS.includes(text[end - 1])) end--;
    if (end - start < 2 || !QUOTE_PAIRS.includes(text[start] + text[end - 1])) return text.slice(start, end);
    start++;
    end--;
  }
}

// A loop rather than /^[…]+|[…]+$/, which backtracks quadratically on long runs of those characters.
function trimEnds(text: string, characters: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && characters.includes(text[start])) start++;
  while (end > start && characters.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

// ---------------------------------------------------------------------------------------------------------------
// Source chunks (§1 of the spec)

interface TextChunk {
  kind: 'text';
  text: string;
  /** Where a sibling Platform line may be: this chunk, plus the other fields of the same Block Kit section. */
  platformScope: readonly string[];
}

interface FieldGroup {
  kind: 'fields';
  fields: readonly { title: string; value: string }[];
  /** The fields as `title: value` lines, for the rules that read them as text. */
  text: string;
}

type Chunk = TextChunk | FieldGroup;

function asRecord(value: unknown): UnknownRecord | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as UnknownRecord) : null;
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function capped(text: string): string {
  return text.length > CHUNK_LIMIT ? text.slice(0, CHUNK_LIMIT) : text;
}

function readMarkup(value: unknown): string {
  return typeof value === 'string' ? capped(unwrapSlackMarkup(value)) : '';
}

// A Block Kit text object: mrkdwn is unwrapped, plain_text is taken as is.
function readTextObject(value: unknown): string {
  const object = asRecord(value);
  if (!object || typeof object.text !== 'string') return '';
  return object.type === 'plain_text' ? capped(object.text) : readMarkup(object.text);
}

const INLINE_CONTAINERS = new Set(['rich_text_section', 'rich_text_preformatted', 'rich_text_quote']);
const RICH_TEXT_DEPTH_LIMIT = 8;

// Rich text is structured, not mrkdwn, so it is not unwrapped: a "<" typed before an auto-linked address must
// survive ("From: Jan <" + link + ">"). Entities are still decoded in case Slack sends them escaped.
function flattenRichText(element: UnknownRecord, depth = 0): string {
  if (depth > RICH_TEXT_DEPTH_LIMIT) return '';
  if (Array.isArray(element.elements)) {
    const parts = element.elements.map((child) => {
      const record = asRecord(child);
      return record ? flattenRichText(record, depth + 1) : '';
    });
    const inline = typeof element.type === 'string' && INLINE_CONTAINERS.has(element.type);
    return parts.join(inline ? '' : '\n');
  }
  if (element.type === 'text') return typeof element.text === 'string' ? element.text : '';
  if (element.type === 'link') {
    if (typeof element.url === 'string' && /^mailto:/i.test(element.url)) return element.url.slice('mailto:'.length);
    return typeof element.text === 'string' ? element.text : '';
  }
  return ''; // user, channel, usergroup, emoji, broadcast, date…
}

function collectChunks(message: UnknownRecord): Chunk[] {
  const chunks: Chunk[] = [];
  const addText = (text: string, platformScope: readonly string[] = [text]): void => {
    if (text !== '') chunks.push({ kind: 'text', text, platformScope });
  };

  addText(readMarkup(message.text));

  for (const item of asList(message.blocks)) {
    const block = asRecord(item);
    if (!block) continue;
    if (block.type === 'section') {
      addText(readTextObject(block.text));
      const fieldTexts = asList(block.fields).map(readTextObject).filter((text) => text !== '');
      for (const text of fieldTexts) addText(text, [text, ...fieldTexts]);
    } else if (block.type === 'header') {
      addText(readTextObject(block.text));
    } else if (block.type === 'context') {
      for (const element of asList(block.elements)) addText(readTextObject(element));
    } else if (block.type === 'rich_text') {
      addText(capped(decodeEntities(flattenRichText(block))));
    }
  }

  // fallback, author_*, footer, from_url and message_blocks describe who re-shared what: never read.
  for (const item of asList(message.attachments)) {
    const attachment = asRecord(item);
    if (!attachment) continue;
    addText(readMarkup(attachment.pretext));
    addText(readMarkup(attachment.title));
    addText(readMarkup(attachment.text));
    const fields = asList(attachment.fields).flatMap((entry) => {
      const field = asRecord(entry);
      return field ? [{ title: readMarkup(field.title), value: readMarkup(field.value) }] : [];
    });
    if (fields.length > 0) {
      const text = capped(fields.map(({ title, value }) => (title === '' ? value : `${title}: ${value}`)).join('\n'));
      chunks.push({ kind: 'fields', fields, text });
    }
  }
  return chunks;
}

// Quoted forwards arrive as "> From: …" (or "&gt; " decoded to "> ").
function readLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map((line) => line.replace(/^[\s>]+/, ''));
}

// ---------------------------------------------------------------------------------------------------------------
// Rule 1: Slack e-mail files

function emailFiles(message: unknown): UnknownRecord[] {
  const files = asList(asRecord(message)?.files).map(asRecord);
  return files.filter((file): file is UnknownRecord => file !== null && (file.filetype === 'email' || file.mode === 'email'));
}

/** Ids of e-mail files that came truncated (neither `from` nor `plain_text`): fetch them with files.info, put them back in `message.files` and extract again. */
export function emailFilesMissingContent(message: SlackMessage): string[] {
  return emailFiles(message)
    .filter((file) => asList(file.from).length === 0 && typeof file.plain_text !== 'string')
    .flatMap((file) => (typeof file.id === 'string' ? [file.id] : []));
}

const FORWARD_SUBJECT = /^\s*(?:fwd?|pd)\s*:/i;

function fromEmailFile(file: UnknownRecord): Requester | null {
  const subject = [file.subject, file.title].find((value) => typeof value === 'string' && value !== '');
  if (typeof subject === 'string' && FORWARD_SUBJECT.test(subject) && typeof file.plain_text === 'string') {
    const forwarded = findForwardedSender(capped(file.plain_text));
    if (forwarded) return forwarded;
  }
  const sender = asRecord(asList(file.from)[0]);
  if (sender && typeof sender.address === 'string') {
    const address = normaliseEmail(sender.address);
    if (WHOLE_EMAIL.test(address) && !isSystemAddress(address)) return emailRequester(address, sanitizeDisplayName(sender.name, address));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Rule 2: forwarded-header From:/Od: lines

// Written as `\s*(?:[*_~]+\s*)?:` rather than `\s*[*_~]*\s*:` so two adjacent `\s*` cannot split a long run of
// spaces in every possible way (quadratic backtracking); the accepted lines are the same.
function labelLinePattern(labels: string): RegExp {
  return new RegExp(String.raw`^[*_~]*\s*(?:${labels})\s*(?:[*_~]+\s*)?:[*_~]*\s*([\s\S]*)$`, 'iu');
}

function fieldTitlePattern(labels: string): RegExp {
  return new RegExp(String.raw`^[*_~\s]*(?:${labels})[*_~\s]*(?::[*_~\s]*)?$`, 'iu');
}

const FROM_LINE = labelLinePattern('from|od');

function findForwardedSender(text: string): Requester | null {
  for (const line of readLines(text)) {
    const remainder = FROM_LINE.exec(line)?.[1];
    if (remainder === undefined) continue;
    const address = firstCustomerEmail(remainder);
    if (address) return emailRequester(address, sanitizeDisplayName(remainder, address));
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Rule 3: Requester-type labels

const REQUESTER_LABELS =
  'requester|requestor|zgłaszający|zgłaszająca|zglaszajacy|zglaszajaca|klientka|klient|customer|kupujący|kupująca|kupujacy|kupujaca|buyer';
const PLATFORM_LABELS = 'platforma|platform|marketplace|serwis|źródło|zrodlo|source|kanał|kanal';

const REQUESTER_LINE = labelLinePattern(REQUESTER_LABELS);
const REQUESTER_TITLE = fieldTitlePattern(REQUESTER_LABELS);
const PLATFORM_LINE = labelLinePattern(PLATFORM_LABELS);
const PLATFORM_TITLE = fieldTitlePattern(PLATFORM_LABELS);

// Whitespace is collapsed first so that `\s*` next to `[^()]` cannot backtrack over a long run of spaces.
const HANDLE = /^@?([A-Za-z0-9][A-Za-z0-9._-]{1,63})\s*(?:\(\s*([^()]{1,40}?)\s*\))?$/;

/** Values of the lines `LABEL: value` (or `LABEL:` followed by the value on the next non-empty line) in `text`. */
function labelledValues(text: string, label: RegExp): string[] {
  const lines = readLines(text);
  const values: string[] = [];
  let next = 0; // only moves forward, so finding "the next non-empty line" stays linear
  lines.forEach((line, index) => {
    const remainder = label.exec(line)?.[1].trim();
    if (remainder === undefined) return;
    if (remainder !== '') return void values.push(remainder);
    next = Math.max(next, index + 1);
    while (next < lines.length && lines[next].trim() === '') next++;
    if (next < lines.length) values.push(lines[next].trim());
  });
  return values;
}

const EMPHASIS_AND_SPACE = '*_~ \t\n\r\u00A0';

function platformCode(value: string): string | null {
  const code = trimEnds(value, EMPHASIS_AND_SPACE).toLowerCase();
  return code === '' ? null : code;
}

function siblingPlatform(chunk: Chunk): string | null {
  const values =
    chunk.kind === 'fields'
      ? chunk.fields.filter((field) => PLATFORM_TITLE.test(field.title)).map((field) => field.value)
      : chunk.platformScope.flatMap((text) => labelledValues(text, PLATFORM_LINE));
  for (const value of values) {
    const code = platformCode(value);
    if (code) return code;
  }
  return null;
}

function requesterFromLabelValue(value: string, chunk: Chunk): Requester | null {
  const address = firstCustomerEmail(value);
  if (address) return emailRequester(address, sanitizeDisplayName(value, address));
  const phone = findPhone(value);
  if (phone) return { kind: 'phone', value: phone, displayName: null, platform: null };
  const handle = HANDLE.exec(trimEnds(value, EMPHASIS_AND_SPACE).replace(/\s+/g, ' '));
  if (handle) {
    const platform = handle[2] !== undefined ? handle[2].toLowerCase() : siblingPlatform(chunk);
    return { kind: 'handle', value: handle[1], displayName: null, platform };
  }
  return null; // e.g. a bare personal name
}

function fromRequesterLabel(chunks: readonly Chunk[]): Requester | null {
  for (const chunk of chunks) {
    const values =
      chunk.kind === 'fields'
        ? chunk.fields.filter((field) => REQUESTER_TITLE.test(field.title)).map((field) => field.value)
        : labelledValues(chunk.text, REQUESTER_LINE);
    for (const value of values) {
      const requester = requesterFromLabelValue(value, chunk);
      if (requester) return requester;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// The extractor

function emailRequester(address: string, displayName: string | null): Requester {
  return { kind: 'email', value: address, displayName, platform: null };
}

function firstInChunks(chunks: readonly Chunk[], find: (text: string) => Requester | null): Requester | null {
  for (const chunk of chunks) {
    const found = find(chunk.text);
    if (found) return found;
  }
  return null;
}

/**
 * The ticket's requester, by the first rule that yields one: the e-mail file's sender, a forwarded From: line,
 * a Requester-type label, the first e-mail address, the first phone number; otherwise `none`.
 * Never the Slack user who posted, mentioned or re-shared the message.
 */
export function extractRequester(message: SlackMessage): Requester {
  const root = asRecord(message) ?? {};
  const files = emailFiles(root);
  for (const file of files) {
    const requester = fromEmailFile(file);
    if (requester) return requester;
  }

  const rawPlainTexts: Chunk[] = files.flatMap((file) =>
    typeof file.plain_text === 'string' && file.plain_text !== ''
      ? [{ kind: 'text' as const, text: capped(file.plain_text), platformScope: [capped(file.plain_text)] }]
      : [],
  );
  const chunks = [...collectChunks(root), ...rawPlainTexts];

  return (
    firstInChunks(chunks, findForwardedSender) ??
    fromRequesterLabel(chunks) ??
    firstInChunks(chunks, (text) => {
      const address = firstCustomerEmail(text);
      return address ? emailRequester(address, null) : null;
    }) ??
    firstInChunks(chunks, (text) => {
      const phone = findPhone(text);
      return phone ? { kind: 'phone', value: phone, displayName: null, platform: null } : null;
    }) ?? { kind: 'none', value: null, displayName: null, platform: null }
  );
}
