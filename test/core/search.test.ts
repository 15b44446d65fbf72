// Search (spec §3) against a real database: fragments, diacritics, phones, short input, filters, sorting, paging.
import t from 'tap';
import { testDatabase } from '../helpers/db.ts';
import { actor } from '../../core/actor.ts';
import { createContact, deleteContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { searchContacts, CANDIDATE_CAP } from '../../core/contacts/contact.search.ts';
import { InvalidInputError } from '../../core/errors.ts';

const agent = actor('panel', 'user:1', 'Anna');

t.test('search', async (t) => {
  const { orm } = await testDatabase(t);
  const em = () => orm.em.fork();
  const shop = await createIntegration(em(), { platform: 'allegro', label: 'Main' });
  const fixtures = [
    { name: 'Żółć Gęślą', senders: [{ kind: 'email', value: 'zolc@example.pl' }], country: 'PL' },
    { name: 'Łukasz Wiśniewski', senders: [{ kind: 'phone', value: '+48 600 123 456' }, { kind: 'handle', value: 'lukasz_w', platform: 'allegro' }], country: 'PL', language: 'pl', integrations: [shop.id] },
    { name: 'Anna Kowalska', senders: [{ kind: 'email', value: 'anna.kowalska@firma.com.pl' }], country: 'DE' },
    { name: '100% Cotton_Shop', senders: [{ kind: 'email', value: 'shop@cotton.example' }] },
    { name: 'Zofia Zając', senders: [{ kind: 'handle', value: 'vintage.finds.pl', platform: 'ebay' }], language: 'pl' },
    { name: 'Back\\slash Ltd' },
    { name: 'ćma nocna' },
    { name: 'Cezary Ćwik', senders: [{ kind: 'phone', value: '22 123 45 67' }] },
  ];
  for (const f of fixtures) await createContact(em(), f, agent);
  const names = async (query: Record<string, unknown>) => (await searchContacts(em(), query)).items.map((c) => c.name);

  t.test('a fragment of the name matches regardless of case and Polish diacritics', async (t) => {
    t.same(await names({ q: 'zolc' }), ['Żółć Gęślą']);
    t.same(await names({ q: 'ŻÓŁĆ' }), ['Żółć Gęślą']);
    t.same(await names({ q: 'lukasz' }), ['Łukasz Wiśniewski']);
    t.same(await names({ q: 'WIŚNIEW' }), ['Łukasz Wiśniewski']);
    t.same(await names({ q: 'gesla' }), ['Żółć Gęślą']);
  });

  t.test('fragments of e-mails, domains and handles match', async (t) => {
    t.same(await names({ q: 'kowalska@fir' }), ['Anna Kowalska']);
    t.same(await names({ q: 'firma.com' }), ['Anna Kowalska']);
    t.same(await names({ q: 'finds' }), ['Zofia Zając']);
    t.same(await names({ q: '@lukasz_w' }), [], 'a leading @ is not part of any stored handle');
    t.same(await names({ q: 'lukasz_w' }), ['Łukasz Wiśniewski']);
  });

  t.test('phone fragments ignore spaces, dashes and a leading +/00', async (t) => {
    for (const q of ['600 123', '600-123-456', '+48 600', '0048600123', '600123456']) {
      t.same(await names({ q }), ['Łukasz Wiśniewski'], q);
    }
    t.same(await names({ q: '22 123 45' }), ['Cezary Ćwik']);
    t.same(await names({ q: '123 456' }), ['Cezary Ćwik', 'Łukasz Wiśniewski'], '+48 22 123 45 67 contains 123456 too');
  });

  t.test('%, _ and \\ are plain characters', async (t) => {
    t.same(await names({ q: '100%' }), ['100% Cotton_Shop']);
    t.same(await names({ q: 'n_s' }), ['100% Cotton_Shop']);
    t.same(await names({ q: '% c' }), ['100% Cotton_Shop']);
    t.same(await names({ q: '%' }), [], 'one character is a prefix, and no name starts with %');
    t.same(await names({ q: '_' }), []);
    t.same(await names({ q: 'k\\s' }), ['Back\\slash Ltd']);
  });

  t.test('one- and two-character input matches prefixes', async (t) => {
    t.same(await names({ q: 'z' }), ['Zofia Zając', 'Żółć Gęślą'], 'names and senders starting with z, in Polish order');
    t.same(await names({ q: 'an' }), ['Anna Kowalska']);
    t.same(await names({ q: 'ć' }), ['Cezary Ćwik', 'ćma nocna'], 'ć folds to c for matching');
  });

  t.test('separate filters for name, e-mail, phone, country, language and integration', async (t) => {
    t.same(await names({ name: 'kowal' }), ['Anna Kowalska']);
    t.same(await names({ email: 'example' }), ['100% Cotton_Shop', 'Żółć Gęślą']);
    t.same(await names({ email: 'kowal', name: 'anna' }), ['Anna Kowalska']);
    t.same(await names({ phone: '600 123' }), ['Łukasz Wiśniewski']);
    t.same(await names({ name: '600' }), [], 'the name filter does not look at phones');
    t.same(await names({ country: 'pl' }), ['Łukasz Wiśniewski', 'Żółć Gęślą']);
    t.same(await names({ language: 'PL', q: 'zofia' }), ['Zofia Zając']);
    t.same(await names({ integration: String(shop.id) }), ['Łukasz Wiśniewski']);
    t.same(await names({ country: 'PL', integration: shop.id, q: 'wis' }), ['Łukasz Wiśniewski']);
    t.same(await names({ q: 'no such thing anywhere' }), []);
  });

  t.test('sorting by name follows Polish order; by date, newest first', async (t) => {
    t.same(await names({ sort: 'name' }), ['100% Cotton_Shop', 'Anna Kowalska', 'Back\\slash Ltd', 'Cezary Ćwik', 'ćma nocna', 'Łukasz Wiśniewski', 'Zofia Zając', 'Żółć Gęślą']);
    t.same(await names({ sort: '-created', limit: 2 }), ['Cezary Ćwik', 'ćma nocna']);
    t.same((await names({ sort: '-name' }))[0], 'Żółć Gęślą');
  });

  t.test('bad parameters are refused with a field message', async (t) => {
    for (const query of [{ limit: '0' }, { limit: 'abc' }, { sort: 'drop table' }, { cursor: 'garbage' }, { cursor: Buffer.from('["name","x",1]').toString('base64url'), sort: 'created' }, { integration: '-1' }, { q: 'x'.repeat(201) }]) {
      await t.rejects(searchContacts(em(), query), InvalidInputError, JSON.stringify(query));
    }
  });
});

t.test('keyset pages neither repeat nor skip, even while contacts are added and deleted', async (t) => {
  const { orm } = await testDatabase(t);
  const em = () => orm.em.fork();
  const stable: string[] = [];
  for (let i = 0; i < 60; i++) stable.push((await createContact(em(), { name: `Klient ${String(i).padStart(2, '0')} Stały` }, agent)).name);
  const doomed: number[] = [];
  for (let i = 0; i < 20; i++) doomed.push((await createContact(em(), { name: `Klient ${String(i).padStart(2, '0')} Usuwany` }, agent)).id);

  for (const sort of ['name', '-name', 'created', '-created'] as const) {
    const seen: string[] = [];
    let cursor: string | undefined;
    let page = 0;
    do {
      const result = await searchContacts(em(), { q: 'klient', sort, limit: 7, cursor });
      seen.push(...result.items.map((c) => c.name));
      cursor = result.nextCursor ?? undefined;
      // Churn between pages: delete some contacts and add others.
      if (page < doomed.length) await deleteContact(em(), doomed[page], agent).catch(() => undefined);
      await createContact(em(), { name: `Klient nowy ${sort} ${page}` }, agent);
      page++;
    } while (cursor && page < 100);
    const seenStable = seen.filter((n) => n.endsWith('Stały'));
    t.equal(new Set(seen).size, seen.length, `${sort}: no contact appears twice`);
    t.same([...seenStable].sort(), [...stable].sort(), `${sort}: every contact that existed throughout was listed`);
  }
  // Restore the deleted ones' absence check: they are gone, and the cap flag is off for small sets.
  t.equal((await searchContacts(em(), { q: 'klient' })).capped, false);
});

t.test('past the candidate cap the search says so', async (t) => {
  const { orm } = await testDatabase(t);
  const conn = orm.em.fork().getConnection();
  // Bulk rows as the core would derive them (search_text = folded name).
  await conn.execute(
    `insert into contact (name, name_key, name_folded, sort_key, search_text, created_at, updated_at, created_via, created_by_id, created_by_name, version)
     select 'Common ' || i, 'common ' || i, 'common ' || i, 'common ' || lpad(i::text, 6, '0'), 'common ' || i, now(), now(), 'import', 'test', 'test', 1
       from generate_series(1, ?) i`,
    [CANDIDATE_CAP + 5],
  );
  const page = await searchContacts(orm.em.fork(), { q: 'common', limit: 10 });
  t.equal(page.capped, true);
  t.equal(page.items.length, 10);
  t.equal((await searchContacts(orm.em.fork(), { q: 'common 1999' })).capped, false);
});
