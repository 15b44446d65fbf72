// Text normalisation shared by every face: display names, search folding and the Polish sort key.

/** Control characters other than line breaks and tabs: PostgreSQL refuses NUL, and none belong in text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu;

// A lone UTF-16 surrogate cannot be encoded as UTF-8 (PostgreSQL refuses it): it becomes U+FFFD.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

export function stripControl(text: string): string {
  return text.replace(CONTROL, '').replace(LONE_SURROGATE, '\ufffd');
}

/** Trim, collapse inner whitespace and compose to NFC: how names and handles are stored. */
export function tidy(text: string): string {
  return stripControl(text).normalize('NFC').replace(/\s+/gu, ' ').trim();
}

// NFD splits "ó" into "o" + a combining mark, but "ł" has no decomposition and needs an explicit map.
const UNDECOMPOSABLE: Record<string, string> = { ł: 'l', Ł: 'l', ø: 'o', Ø: 'o', đ: 'd', Đ: 'd', ß: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe' };

/** Search folding: lower case, no diacritics ("Żółć" → "zolc", "Łukasz" → "lukasz"), collapsed spaces. */
export function fold(text: string): string {
  return tidy(text)
    .replace(/[łŁøØđĐßæÆœŒ]/gu, (ch) => UNDECOMPOSABLE[ch] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Digits only, for phone fragment search ("+48 600-123" → "48600123"). */
export function digitsOnly(text: string): string {
  return text.replace(/\D+/gu, '');
}

// Polish alphabetical order. Every other letter sorts as its base letter would (é as e).
const POLISH_ALPHABET = 'aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż';

/**
 * A key whose byte order ("C" collation) is Polish alphabetical order, case-insensitive.
 * Computed here rather than with an ICU collation so every PostgreSQL build (embedded or not) sorts alike.
 */
export function polishSortKey(text: string): string {
  let key = '';
  for (const ch of tidy(text).toLowerCase()) key += sortChar(ch);
  return key;
}

const sortChars = new Map<string, string>();

function sortChar(ch: string): string {
  let mapped = sortChars.get(ch);
  if (mapped === undefined) {
    let index = POLISH_ALPHABET.indexOf(ch);
    if (index < 0) index = POLISH_ALPHABET.indexOf(fold(ch)); // é sorts as e, ü as u
    // Letters map to one contiguous block (U+0100…) above spaces, digits and ASCII punctuation.
    mapped = index >= 0 ? String.fromCharCode(0x100 + index) : ch;
    if (sortChars.size < 10_000) sortChars.set(ch, mapped); // bounded: any text can reach this
  }
  return mapped;
}

/** Escape LIKE metacharacters so `%`, `_` and `\` in a query are plain characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/gu, (ch) => `\\${ch}`);
}
