// The `/contact` text parser (§3 of the requester-extraction spec) and form-text decoding.

import t from 'tap';
import fc from 'fast-check';
import { CONTACT_SUBCOMMANDS, decodeFormText, parseContactCommand, type ContactCommand } from '../../bot/slash-text.ts';

t.test('parseContactCommand', async (t) => {
  const table: [string, ContactCommand][] = [
    ['', { subcommand: 'help', argument: '' }],
    ['   \t ', { subcommand: 'help', argument: '' }],
    ['<@U024BE7LH>', { subcommand: 'help', argument: '' }],
    ['help', { subcommand: 'help', argument: '' }],
    ['HELP me', { subcommand: 'help', argument: 'me' }],
    ['find Jan', { subcommand: 'find', argument: 'Jan' }],
    ['Find   Jan    Kowalski ', { subcommand: 'find', argument: 'Jan Kowalski' }],
    ['find', { subcommand: 'find', argument: '' }],
    ['  Jan   Kowalski ', { subcommand: 'find', argument: 'Jan Kowalski' }],
    ['Żółć', { subcommand: 'find', argument: 'Żółć' }],
    ['finder Jan', { subcommand: 'find', argument: 'finder Jan' }],
    ['findJan', { subcommand: 'find', argument: 'findJan' }],
    ['show Jan Kowalski', { subcommand: 'show', argument: 'Jan Kowalski' }],
    ['show', { subcommand: 'show', argument: '' }],
    ['add', { subcommand: 'add', argument: '' }],
    ['add Jan Nowak', { subcommand: 'add', argument: 'Jan Nowak' }],
    ['edit  Anna\u00A0Nowak', { subcommand: 'edit', argument: 'Anna Nowak' }],
    ['EDIT Anna', { subcommand: 'edit', argument: 'Anna' }],
    // An argument holding "@" is an e-mail lookup: lower-cased.
    ['find Jan.Kowalski@Example.com', { subcommand: 'find', argument: 'jan.kowalski@example.com' }],
    ['Jan.Kowalski@Example.com', { subcommand: 'find', argument: 'jan.kowalski@example.com' }],
    ['show <mailto:Ola@Example.PL|Ola@Example.PL>', { subcommand: 'show', argument: 'ola@example.pl' }],
    ['@Nick_Allegro', { subcommand: 'find', argument: '@nick_allegro' }],
    // Markup is unwrapped first.
    ['<mailto:Ola@Example.PL|Ola@Example.PL>', { subcommand: 'find', argument: 'ola@example.pl' }],
    ['find <@U024BE7LH|kasia> Jan', { subcommand: 'find', argument: 'Jan' }],
    ['find <https://panel.example/c/1|Jan Kowalski>', { subcommand: 'find', argument: 'Jan Kowalski' }],
    ['find <tel:+48600123456|600 123 456>', { subcommand: 'find', argument: '+48600123456' }],
    ['find Kowalski &amp; Syn', { subcommand: 'find', argument: 'Kowalski & Syn' }],
    // Already-decoded text is never percent-decoded again.
    ['find +48 600 123 456', { subcommand: 'find', argument: '+48 600 123 456' }],
    ['find 50%25', { subcommand: 'find', argument: '50%25' }],
  ];
  for (const [text, expected] of table) t.same(parseContactCommand(text), expected, JSON.stringify(text));
  t.same(parseContactCommand(undefined as unknown as string), { subcommand: 'help', argument: '' }, 'not a string');
});

t.test('decodeFormText', async (t) => {
  const table: [string, string][] = [
    ['find+%C5%BB%C3%B3%C5%82%C4%87', 'find Żółć'],
    ['a%20b', 'a b'],
    ['%2B48+600+123+456', '+48 600 123 456'],
    ['50%25', '50%'],
    ['jan%40example.pl', 'jan@example.pl'],
    ['100%', '100%'],
    ['%zz', '%zz'],
    ['%E0%A4%A', '\uFFFD%A'],
    ['%FF', '\uFFFD'],
    ['', ''],
  ];
  for (const [raw, expected] of table) t.equal(decodeFormText(raw), expected, raw);
  t.same(parseContactCommand(decodeFormText('find+%C5%BB%C3%B3%C5%82%C4%87')), { subcommand: 'find', argument: 'Żółć' });
  t.same(parseContactCommand(decodeFormText('+++show++Jan+')), { subcommand: 'show', argument: 'Jan' });
});

t.test('property: parsing never throws and its output is tidy', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.array(fc.constantFrom('find', 'SHOW', ' ', '\t', 'Jan', 'A@B.pl', '<@U1>', '<mailto:X@Y.pl|z>', '&amp;', '%41', '+')).map((parts) => parts.join(''))), (text) => {
        const { subcommand, argument } = parseContactCommand(text);
        return (
          (CONTACT_SUBCOMMANDS as readonly string[]).includes(subcommand) &&
          argument === argument.trim() &&
          !/\s\s/.test(argument) &&
          (!argument.includes('@') || argument === argument.toLowerCase())
        );
      }),
      { numRuns: 2000 },
    ),
  );
});

t.test('property: decodeFormText inverts form encoding and never throws', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => decodeFormText(encodeURIComponent(text).replace(/%20/g, '+')) === text),
      { numRuns: 1000 },
    ),
  );
  t.doesNotThrow(() => fc.assert(fc.property(fc.string(), (raw) => typeof decodeFormText(raw) === 'string'), { numRuns: 1000 }));
});
