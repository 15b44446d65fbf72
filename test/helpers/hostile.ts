// Text that breaks naive code, shared by the fuzz tests of every face: control, bidi and zero-width characters,
// emoji, a lone surrogate, SQL and LIKE metacharacters, number-like and empty strings.
export const HOSTILE_TEXT = [
  'nul\u0000byte',
  '\u202eevil\u202c',
  'zero\u200bwidth\ufeff',
  '😀🇵🇱👩‍👩‍👧',
  "Robert'); DROP TABLE contact;--",
  '%_\\%%__\\\\',
  '\ud800lone surrogate',
  '-1',
  '99999999999999999999999',
  '',
  ' ',
];
