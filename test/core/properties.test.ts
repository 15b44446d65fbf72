// Property tests: the normalisers and the search never throw on any string and stay linear on huge input.
import t from 'tap';
import fc from 'fast-check';
import { normalizeSender, normalizeEmail, normalizePhone } from '../../core/contacts/senders.ts';
import { fold, polishSortKey, tidy, escapeLike } from '../../core/text.ts';
import { ContactInput, RequesterInput } from '../../core/contacts/contact.schemas.ts';
import { SearchQuery } from '../../core/contacts/contact.search.ts';
import { testDatabase } from '../helpers/db.ts';
import { searchContacts } from '../../core/contacts/contact.search.ts';
import { InvalidInputError } from '../../core/errors.ts';

// Strings with the characters that break naive code: NUL, bidi overrides, zero-width, surrogates, LIKE and regex metacharacters.
const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('%', '_', '\\', '@', '+', ' ', '\u0000', '\u202e', '\u200b', '\ud800', 'ł', 'Ż', '.', '-', '(', ')', '0', '9', 'a', '<', '>'), maxLength: 300 }),
);
const kinds = fc.constantFrom('email', 'phone', 'handle', 'fax', '', 'EMAIL');

t.test('normalisers never throw and keep their promises', async (t) => {
  fc.assert(
    fc.property(hostile, kinds, fc.option(hostile), (value, kind, platform) => {
      const result = normalizeSender({ kind: kind as 'email', value, platform }, 'PL');
      if (result.ok) {
        const { sender } = result;
        if (sender.kind === 'email' && sender.normalized !== sender.normalized.toLowerCase()) throw new Error('e-mail not lower-cased');
        if (sender.kind === 'phone' && !/^\+\d{6,15}$/u.test(sender.normalized)) throw new Error(`phone not E.164: ${sender.normalized}`);
        if (sender.kind === 'handle' && !sender.platform) throw new Error('handle without platform');
      }
      normalizeEmail(value);
      normalizePhone(value, 'PL');
      fold(value);
      polishSortKey(value);
      tidy(value);
      escapeLike(value);
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random inputs');
});

t.test('input schemas reject or accept, never throw', async (t) => {
  fc.assert(
    fc.property(fc.anything(), (raw) => {
      ContactInput.safeParse(raw);
      RequesterInput.safeParse(raw);
      SearchQuery.safeParse(raw);
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 random values');
});

t.test('a megabyte of input is handled in well under a second', async (t) => {
  const megabyte = 'a'.repeat(500_000) + '@' + 'b'.repeat(500_000);
  for (const [name, run] of [
    ['normalizeSender email', () => normalizeSender({ kind: 'email', value: megabyte }, 'PL')],
    ['normalizeSender phone', () => normalizeSender({ kind: 'phone', value: '1 '.repeat(500_000) }, 'PL')],
    ['normalizeSender handle', () => normalizeSender({ kind: 'handle', value: megabyte, platform: 'x' }, 'PL')],
    ['fold', () => fold('Żółć '.repeat(200_000))],
    ['polishSortKey', () => polishSortKey('Żółć '.repeat(200_000))],
    ['ContactInput', () => ContactInput.safeParse({ name: megabyte, note: megabyte, senders: [{ kind: 'email', value: megabyte }] })],
  ] as const) {
    const started = performance.now();
    run();
    const ms = performance.now() - started;
    t.ok(ms < 1000, `${name}: ${ms.toFixed(1)} ms`);
  }
});

t.test('any search query either answers or is refused with a field message', async (t) => {
  const { orm } = await testDatabase(t);
  await fc.assert(
    fc.asyncProperty(
      fc.record({ q: hostile, name: hostile, email: hostile, phone: hostile, sort: fc.constantFrom('name', '-created', 'x'), limit: fc.oneof(fc.integer(), hostile), cursor: hostile }, { requiredKeys: [] }),
      async (query) => {
        try {
          await searchContacts(orm.em.fork(), query);
        } catch (error) {
          if (!(error instanceof InvalidInputError)) throw error;
        }
      },
    ),
    { numRuns: 300 },
  );
  t.pass('300 random queries against PostgreSQL');
});
