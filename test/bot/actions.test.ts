// Buttons over HTTP (details, add form, delete with its confirmation, double clicks) and Slack Web API
// failures: rate limits with Retry-After, 500s and refused calls are logged, never crash, and reach the user
// through the other reply path when there is one.
import t from 'tap';
import { actor } from '../../core/actor.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { Contact, AuditEvent } from '../../core/entities/index.ts';
import { startFakeSlack, botTestAppWithLogs, sendSigned, interactionBody, actionPayload, commandBody, blockText, buttons } from '../helpers/slack.ts';

t.test('buttons and failures', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle, logs } = await botTestAppWithLogs(t, fake);
  const db = () => app.orm.em.fork();
  const panel = actor('panel', 1, 'Admin');
  const ewa = await createContact(db(), { name: 'Ewa Lis', senders: [{ kind: 'phone', value: '+48 600 700 800' }], note: 'Calls after 5 pm' }, panel);
  let clicks = 0;

  async function click(actionId: string, value: string, fields: { messageTs?: string; triggerId?: string } = {}) {
    const before = fake.ephemeral().length;
    const res = await sendSigned(app, interactionBody(actionPayload({ actionId, value, responseUrl: fake.responseUrl(), messageTs: fields.messageTs ?? `1700000${clicks++}.000100`, triggerId: fields.triggerId })));
    if (res.statusCode !== 200) throw new Error(`click answered ${res.statusCode}`);
    await idle();
    return fake.ephemeral().slice(before);
  }

  t.test('details shows the whole card, with the note and a delete button', async (t) => {
    const [reply] = await click('contact_details', String(ewa.id));
    const text = blockText(reply.blocks);
    t.match(text, 'Ewa Lis');
    t.match(text, '+48 600 700 800');
    t.match(text, 'Calls after 5 pm');
    t.same(buttons(reply.blocks).map((b) => b.action_id), ['contact_edit', 'contact_open_in_panel', 'contact_delete']);
    const [nonsense] = await click('contact_details', 'DROP TABLE contact');
    t.match(nonsense.text, 'This contact does not exist');
  });

  t.test('“Open the form” opens the add form with the name it carries', async (t) => {
    await click('contact_add', 'Zofia', { triggerId: 'trigger-add-again' });
    const call = fake.calls('views.open').at(-1)!;
    t.equal(call.body.trigger_id, 'trigger-add-again');
    t.equal(call.body.view.blocks.find((b: any) => b.block_id === 'name').element.initial_value, 'Zofia');
  });

  t.test('a double click shows one answer', async (t) => {
    const before = fake.ephemeral().length;
    await Promise.all([click('contact_details', String(ewa.id), { messageTs: '1700005555.000100' }), click('contact_details', String(ewa.id), { messageTs: '1700005555.000100' })]);
    t.equal(fake.ephemeral().length - before, 1);
  });

  t.test('delete: confirmed by Slack, it deletes once, records who did it, and replaces the card', async (t) => {
    const victim = await createContact(db(), { name: 'Temporary Person', senders: [{ kind: 'email', value: 'temp@example.com' }] }, panel);
    const stale = await click('contact_delete', `${victim.id}:${victim.version + 1}`);
    t.match(stale[0].text, 'changed meanwhile');
    t.ok(await db().findOne(Contact, victim.id), 'a stale card deletes nothing');

    const before = fake.ephemeral().length;
    await Promise.all([
      click('contact_delete', `${victim.id}:${victim.version}`, { messageTs: '1700006666.000100' }),
      click('contact_delete', `${victim.id}:${victim.version}`, { messageTs: '1700006666.000100' }),
    ]);
    const replies = fake.ephemeral().slice(before);
    t.equal(replies.length, 1, 'a double click answers once');
    t.match(replies[0], { text: 'Deleted Temporary Person.', replaceOriginal: true });
    t.equal(await db().findOne(Contact, victim.id), null);
    t.match(await db().findOne(AuditEvent, { contactId: victim.id, action: 'deleted' }), { channel: 'slack', actorId: 'U0AGENT' });
  });

  t.test('a rate-limited response URL: logged with its Retry-After, and the answer goes by chat.postEphemeral', async (t) => {
    fake.answer('response_url', () => ({ status: 429, headers: { 'retry-after': '7' }, body: 'rate limited' }), 1);
    const started = performance.now();
    const [reply] = await click('contact_details', String(ewa.id));
    t.ok(performance.now() - started < 2000, 'no waiting out the Retry-After');
    t.match(reply, { via: 'chat.postEphemeral', text: 'Ewa Lis' });
    t.match(fake.calls('chat.postEphemeral').at(-1)!.body, { channel: 'C0SUPPORT', user: 'U0AGENT' });
    t.ok(logs.some((l) => l.level === 40 && l.slackMethod === 'response_url' && l.reason === 'rate_limited' && l.retryAfter === 7), 'logged');
  });

  t.test('when both reply paths fail (429 and 500) the loss is logged and the next request works', async (t) => {
    fake.answer('response_url', () => ({ status: 500, body: 'oops' }), 1);
    fake.answer('chat.postEphemeral', () => ({ status: 429, headers: { 'retry-after': '30' }, body: { ok: false, error: 'ratelimited' } }), 1);
    await click('contact_details', String(ewa.id));
    t.ok(logs.some((l) => l.slackMethod === 'chat.postEphemeral' && l.reason === 'rate_limited' && l.retryAfter === 30));
    t.ok(logs.some((l) => l.slackMethod === 'response_url' && l.reason === 'http_error' && l.status === 500));
    t.ok(logs.some((l) => l.level === 50 && /reached no one/.test(l.msg)));
    const [next] = await click('contact_details', String(ewa.id));
    t.match(next.text, 'Ewa Lis');
  });

  t.test('views.open failing with a 500 or a rate limit: logged, and the agent told with a button to retry', async (t) => {
    fake.answer('views.open', () => ({ status: 500, body: 'internal error' }), 1);
    const [failed] = await click('contact_edit', String(ewa.id));
    t.match(failed.text, 'Slack could not open the form in time.');
    t.same(buttons(failed.blocks).map((b) => [b.action_id, b.value]), [['contact_edit', String(ewa.id)]]);
    t.ok(logs.some((l) => l.slackMethod === 'views.open' && l.reason === 'http_error' && l.status === 500));

    fake.answer('views.open', () => ({ status: 429, headers: { 'retry-after': '20' }, body: { ok: false, error: 'ratelimited' } }), 1);
    const started = performance.now();
    const [limited] = await click('contact_edit', String(ewa.id));
    t.ok(performance.now() - started < 2000, 'no sleeping through a 20 s Retry-After');
    t.match(limited.text, 'Slack could not open the form in time.');
  });

  t.test('users.info failing: the default locale and the payload’s name stand in', async (t) => {
    fake.answer('users.info', () => ({ status: 500, body: 'down' }));
    const res = await sendSigned(app, commandBody({ text: 'help', responseUrl: fake.responseUrl(), user: 'U0NEW' }));
    t.equal(res.statusCode, 200);
    await idle();
    t.match(fake.ephemeral().at(-1)!.text, '/contact find <fragment>');
    t.ok(logs.some((l) => l.slackMethod === 'users.info' && l.status === 500));
  });
});
