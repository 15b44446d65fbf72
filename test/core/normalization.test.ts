// Normalisation tables: what makes two senders the same customer, and how names fold and sort.
import t from 'tap';
import { normalizeSender, normalizeEmail, normalizePhone, senderKey } from '../../core/contacts/senders.ts';
import { fold, polishSortKey, tidy, escapeLike } from '../../core/text.ts';

t.test('e-mail addresses are trimmed and lower-cased whole, and must be valid', async (t) => {
  const cases: [string, string | null][] = [
    ['Jan.Kowalski@Example.PL', 'jan.kowalski@example.pl'],
    ['  ola+sklep@gmail.com ', 'ola+sklep@gmail.com'],
    ["o'brien@shop.co.uk", "o'brien@shop.co.uk"],
    ['no-at-sign.example.pl', null],
    ['two@@example.pl', null],
    ['jan@localhost', null],
    ['jan@-bad-.pl', null],
    ['', null],
    [`${'a'.repeat(65)}@example.pl`, null],
  ];
  for (const [typed, expected] of cases) t.equal(normalizeEmail(typed), expected, JSON.stringify(typed));
});

t.test('phones become E.164 with the default region PL or a given country', async (t) => {
  const cases: [string, string, string | null][] = [
    ['600 123 456', 'PL', '+48600123456'],
    ['600-123-456', 'PL', '+48600123456'],
    ['+48 600 123 456', 'PL', '+48600123456'],
    ['0048 600 123 456', 'PL', '+48600123456'],
    ['(22) 123 45 67', 'PL', '+48221234567'],
    ['+420 777 123 456', 'PL', '+420777123456'],
    ['030 1234567', 'DE', '+49301234567'],
    ['+1 (415) 555-2671', 'PL', '+14155552671'],
    ['12345', 'PL', null],
    ['phone me', 'PL', null],
    ['+48 100 000 000', 'PL', null],
    ['9'.repeat(60), 'PL', null],
  ];
  for (const [typed, region, expected] of cases) t.equal(normalizePhone(typed, region), expected, `${typed} (${region})`);
});

t.test('handles need a platform, drop a leading @ and compare without case', async (t) => {
  const allegro = normalizeSender({ kind: 'handle', value: '@Janek_88', platform: 'Allegro' }, 'PL');
  t.same(allegro, {
    ok: true,
    sender: { kind: 'handle', value: 'Janek_88', normalized: 'janek_88', platform: 'allegro', digits: null, searchKey: 'janek_88' },
  });
  const ebay = normalizeSender({ kind: 'handle', value: 'janek_88', platform: 'ebay' }, 'PL');
  t.ok(allegro.ok && ebay.ok && senderKey(allegro.sender) !== senderKey(ebay.sender), 'the same nick on two platforms is two people');
  t.same(normalizeSender({ kind: 'handle', value: 'janek', platform: '' }, 'PL'), { ok: false, error: 'error.handle.platformRequired' });
  t.same(normalizeSender({ kind: 'handle', value: 'janek', platform: 'Not a code!' }, 'PL'), { ok: false, error: 'error.platform.invalid' });
  const vinted = normalizeSender({ kind: 'handle', value: 'Ola', platform: 'vinted' }, 'PL');
  t.equal(vinted.ok && vinted.sender.platform, 'vinted', 'a platform outside the catalogue is accepted as written');
  const composed = normalizeSender({ kind: 'handle', value: 'Z\u0307ak', platform: 'olx' }, 'PL');
  t.equal(composed.ok && composed.sender.normalized, 'żak', 'handles are NFC-composed');
});

t.test('a phone is kept with a digits-only copy for fragment search', async (t) => {
  const phone = normalizeSender({ kind: 'phone', value: '+48 600-123-456' }, 'PL');
  t.same(phone.ok && [phone.sender.normalized, phone.sender.digits], ['+48600123456', '48600123456']);
  t.same(normalizeSender({ kind: 'phone', value: '123' }, 'PL'), { ok: false, error: 'error.phone.invalid' });
});

t.test('folding drops case and diacritics, including ł which Unicode does not decompose', async (t) => {
  t.equal(fold('Żółć'), 'zolc');
  t.equal(fold('  Łukasz   ŁĄCKI '), 'lukasz lacki');
  t.equal(fold('Müller-Lüdenscheidt'), 'muller-ludenscheidt');
  t.equal(tidy('  Jan \n\t Kowalski '), 'Jan Kowalski');
});

t.test('the sort key orders names alphabetically the Polish way', async (t) => {
  const names = ['Łukasz', 'Zofia', 'Lech', 'ćma', 'Ćwik', 'Cezary', 'Ala', 'ąb', 'Żaneta', 'Źdźbło', 'Ewa', 'Ęda', 'Olga', 'Óla', 'Sławek', 'Śmigły', 'Nowak', 'Ńa', 'zenon'];
  const sorted = [...names].sort((a, b) => (polishSortKey(a) < polishSortKey(b) ? -1 : 1));
  const collator = new Intl.Collator('pl', { sensitivity: 'base' });
  const expected = [...names].sort(collator.compare);
  t.same(sorted, expected);
  t.ok(polishSortKey('jan kowalski') === polishSortKey('JAN KOWALSKI'), 'case does not matter');
});

t.test('LIKE metacharacters are escaped to plain characters', async (t) => {
  t.equal(escapeLike('100%_\\x'), '100\\%\\_\\\\x');
});
