// Workspace settings: defaults until an admin chooses, the chosen value for every instance, bad values refused.
import t from 'tap';
import { testDatabase } from '../helpers/db.ts';
import { getSetting, setSetting } from '../../core/workspace-settings.ts';
import { actor } from '../../core/actor.ts';

t.test('a setting reads its default, then what was stored, from any EntityManager', async (t) => {
  const { orm } = await testDatabase(t);
  const admin = actor('panel', 1, 'Ada Admin');
  t.equal(await getSetting(orm.em.fork(), 'slack.unfurlLevel'), 'name');
  t.equal(await getSetting(orm.em.fork(), 'privacy.retentionMonths'), null);
  await setSetting(orm.em.fork(), 'slack.unfurlLevel', 'full', admin);
  await setSetting(orm.em.fork(), 'privacy.retentionMonths', 24, admin);
  await setSetting(orm.em.fork(), 'privacy.retentionMonths', 18, admin); // a second write replaces the first
  t.equal(await getSetting(orm.em.fork(), 'slack.unfurlLevel'), 'full');
  t.equal(await getSetting(orm.em.fork(), 'privacy.retentionMonths'), 18);
  await t.rejects(setSetting(orm.em.fork(), 'privacy.retentionMonths', 0, admin));
  await t.rejects(setSetting(orm.em.fork(), 'slack.unfurlLevel', 'everything' as never, admin));
  t.equal(await getSetting(orm.em.fork(), 'slack.unfurlLevel'), 'full', 'a refused value changes nothing');
});
