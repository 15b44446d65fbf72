// Both message shortcuts over HTTP: quick-add (created, already owned, none found, nick without platform,
// truncated e-mail file), look-up, repeats (double clicks, retries, 20 at once) and hostile messages.
import t from 'tap';
import { Contact, AuditEvent } from '../../core/entities/index.ts';
import { startFakeSlack, botTestApp, sendSigned, interactionBody, shortcutPayload, actionPayload, blockText, buttons } from '../helpers/slack.ts';

t.test('message shortcuts', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestApp(t, fake);
  const db = () => app.orm.em.fork();
  let ts = 1700000100;

  /** Runs a shortcut on a message and returns what the user was told. */
  async function shortcut(callbackId: string, message: Record<string, unknown>, fields: { user?: string; triggerId?: string; headers?: Record<string, string> } = {}) {
    const before = fake.ephemeral().length;
    const payload = shortcutPayload({ callbackId, message: { ts: `${ts++}.000100`, ...message }, responseUrl: fake.responseUrl(), user: fields.user, triggerId: fields.triggerId });
    const res = await sendSigned(app, interactionBody(payload), { headers: fields.headers });
    if (res.statusCode !== 200 || res.body !== '') throw new Error(`shortcut answered ${res.statusCode} ${res.body}`);
    await idle();
    return { replies: fake.ephemeral().slice(before), payload };
  }

  t.test('add_requester creates the contact at once, named after the sender, with the message as its source', async (t) => {
    const { replies, payload } = await shortcut('add_requester', { text: '---------- Forwarded message ---------\nFrom: Ola Kamińska &lt;<mailto:Ola@Example.com|Ola@Example.com>&gt;\nSubject: order' });
    t.equal(replies.length, 1);
    t.match(replies[0].text, 'Added *Ola Kamińska* to contacts (ola@example.com).');
    t.same(buttons(replies[0].blocks).map((b) => b.action_id), ['contact_details', 'contact_edit', 'contact_open_in_panel']);
    const contact = (await db().findOneOrFail(Contact, { name: 'Ola Kamińska' }, { populate: ['senders'] })) as any;
    const [sender] = contact.senders.getItems();
    t.equal(sender.normalized, 'ola@example.com');
    t.equal(sender.sourceUrl, `https://acme-support.slack.com/archives/C0TICKETS/p${payload.message.ts.replace('.', '')}`);
    const [event] = await db().find(AuditEvent, { contactId: contact.id });
    t.match(event, { action: 'created', channel: 'slack', actorId: 'U0AGENT', actorName: 'user U0AGENT' });
  });

  t.test('an already owned requester changes nothing and names the owner, with a button to open it', async (t) => {
    const count = await db().count(Contact, {});
    const { replies } = await shortcut('add_requester', { text: 'Requester: <mailto:ola@example.com|ola@example.com>' }, { user: 'U0OTHER' });
    t.match(replies[0].text, 'ola@example.com already belongs to *Ola Kamińska*.');
    t.ok(buttons(replies[0].blocks).some((b) => b.action_id === 'contact_open_in_panel' && /\/contacts\/\d+$/.test(b.url ?? '')));
    t.equal(await db().count(Contact, {}), count);
  });

  t.test('no requester in the message opens the form to type one', async (t) => {
    const opened = fake.calls('views.open').length;
    const { replies } = await shortcut('add_requester', { text: 'Hello, my parcel never arrived. <@U0COLLEAGUE> can you check?' }, { triggerId: 'trigger-none' });
    t.equal(replies.length, 0);
    const [call] = fake.calls('views.open').slice(opened);
    t.equal(call.body.trigger_id, 'trigger-none');
    t.equal(call.body.view.callback_id, 'requester_entry');
    t.match(blockText(call.body.view.blocks), 'No requester (e-mail, phone or marketplace nick) found in this message');
    t.same(call.body.view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id), ['displayName', 'email', 'phone', 'handle', 'platform']);
    t.match(JSON.parse(call.body.view.private_metadata), { sourceUrl: /^https:\/\/acme-support\.slack\.com\/archives\/C0TICKETS\/p\d+$/ });
  });

  t.test('a nick without its platform opens a form prefilled with it, asking the platform', async (t) => {
    const opened = fake.calls('views.open').length;
    await shortcut('add_requester', { text: 'Kupujący: zielony_kot_88\nZamówienie 123456789' });
    const [call] = fake.calls('views.open').slice(opened);
    t.equal(call.body.view.callback_id, 'requester_entry');
    const handle = call.body.view.blocks.find((b: any) => b.block_id === 'handle');
    t.equal(handle.element.initial_value, 'zielony_kot_88');
    t.ok(call.body.view.blocks.find((b: any) => b.block_id === 'platform' && b.optional === false), 'the platform is asked for');
    t.match(blockText(call.body.view.blocks), 'Which platform is the nick zielony_kot_88 from?');
  });

  t.test('an e-mail file that arrived without its sender is fetched with files.info and read again', async (t) => {
    fake.files.F0MAIL = { id: 'F0MAIL', filetype: 'email', mode: 'email', subject: 'Broken kettle', from: [{ address: 'marta@example.org', name: 'Marta Wiśniewska' }], plain_text: 'It broke.' };
    const { replies } = await shortcut('add_requester', { text: '', files: [{ id: 'F0MAIL', filetype: 'email', mode: 'email' }] });
    t.same(fake.calls('files.info').map((c) => c.body.file), ['F0MAIL']);
    t.match(replies[0].text, 'Added *Marta Wiśniewska* to contacts (marta@example.org).');
  });

  t.test('a requester that is not valid after all is explained, with a button to type it', async (t) => {
    const { replies } = await shortcut('add_requester', { text: 'Klient: +48 000 000 000' });
    t.match(replies[0].text, 'This is not a valid phone number');
    t.same(buttons(replies[0].blocks).map((b) => b.action_id), ['requester_enter']);
  });

  t.test('lookup_requester shows the owning contact', async (t) => {
    const { replies } = await shortcut('lookup_requester', { text: 'From: someone &lt;<mailto:OLA@example.com|OLA@example.com>&gt;' });
    t.match(replies[0].text, 'ola@example.com belongs to this contact:');
    t.match(blockText(replies[0].blocks), 'Ola Kamińska');
  });

  t.test('lookup_requester of a stranger offers to add it, and the button does', async (t) => {
    const { replies } = await shortcut('lookup_requester', { text: 'Klient: +48 600 123 456' });
    t.match(replies[0].text, '+48600123456 is not a contact yet.');
    const add = buttons(replies[0].blocks).find((b) => b.action_id === 'requester_add')!;
    t.ok(add, 'an add button is offered');
    t.equal(await db().count(Contact, { name: '+48600123456' }), 0, 'looking up stores nothing');
    const res = await sendSigned(app, interactionBody(actionPayload({ actionId: 'requester_add', value: add.value, responseUrl: fake.responseUrl() })));
    t.equal(res.statusCode, 200);
    await idle();
    t.match(fake.ephemeral().at(-1)!.text, 'Added *+48600123456* to contacts (+48600123456).');
    t.equal(await db().count(Contact, { name: '+48600123456' }), 1);
  });

  t.test('lookup_requester with no requester offers to type one', async (t) => {
    const { replies } = await shortcut('lookup_requester', { text: 'Thanks!' });
    t.match(replies[0].text, 'No requester (e-mail, phone or marketplace nick) found in this message');
    t.ok(buttons(replies[0].blocks).some((b) => b.action_id === 'requester_enter'));
  });

  t.test('a double click and a retry each give one contact and one message', async (t) => {
    const message = { text: 'Requester: double@example.com', ts: '1700009999.000100' };
    const send = (triggerId: string, headers?: Record<string, string>) => {
      const payload = shortcutPayload({ callbackId: 'add_requester', message, responseUrl: fake.responseUrl(), triggerId });
      return sendSigned(app, interactionBody(payload), { headers });
    };
    const before = fake.ephemeral().length;
    const [a, b] = await Promise.all([send('trigger-click-1'), send('trigger-click-2')]);
    const retry = await send('trigger-click-1', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    t.same([a.statusCode, b.statusCode, retry.statusCode], [200, 200, 200]);
    await idle();
    t.equal(fake.ephemeral().length - before, 1, 'one message');
    t.equal(await db().count(Contact, { name: 'double@example.com' }), 1, 'one contact');
  });

  t.test('20 agents at once on the same message: one contact, and each agent told who owns it', async (t) => {
    const message = { text: 'Customer: rush@example.com', ts: '1700008888.000100' };
    const before = fake.ephemeral().length;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const payload = shortcutPayload({ callbackId: 'add_requester', message, responseUrl: fake.responseUrl(), user: `U0RUSH${i}` });
        return sendSigned(app, interactionBody(payload));
      }),
    );
    t.ok(responses.every((r) => r.statusCode === 200));
    await idle();
    t.equal(await db().count(Contact, { name: 'rush@example.com' }), 1, 'one contact');
    const texts = fake.ephemeral().slice(before).map((r) => r.text);
    t.equal(texts.filter((x) => x.startsWith('Added')).length, 1);
    t.equal(texts.filter((x) => x.includes('already belongs to *rush@example.com*')).length, 19);
  });

  t.test('when the trigger has expired, the agent is told and offered a button to open the form', async (t) => {
    fake.answer('views.open', () => ({ body: { ok: false, error: 'expired_trigger_id' } }), 1);
    const { replies } = await shortcut('add_requester', { text: 'nothing here' });
    t.match(replies[0].text, 'Slack could not open the form in time.');
    const retry = buttons(replies[0].blocks)[0];
    t.equal(retry.action_id, 'requester_enter');
    const opened = fake.calls('views.open').length;
    await sendSigned(app, interactionBody(actionPayload({ actionId: 'requester_enter', value: retry.value, responseUrl: fake.responseUrl(), triggerId: 'trigger-fresh' })));
    await idle();
    const [call] = fake.calls('views.open').slice(opened);
    t.equal(call.body.trigger_id, 'trigger-fresh');
    t.equal(call.body.view.callback_id, 'requester_entry');
  });

  t.test('hostile messages: 125k characters, HTML and control characters, handled in milliseconds', async (t) => {
    const started = performance.now();
    const opened = fake.calls('views.open').length;
    await shortcut('add_requester', { text: `${'a'.repeat(62_000)}@${'b'.repeat(63_000)}` });
    t.ok(performance.now() - started < 1000, `took ${Math.round(performance.now() - started)} ms`);
    t.equal(fake.calls('views.open').length, opened + 1, 'nothing found: the form opens');

    const { replies } = await shortcut('add_requester', { text: 'From: &lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Eve&lt;/b&gt;\u0000\u202e &lt;<mailto:eve@example.com|eve@example.com>&gt;' });
    t.match(replies[0].text, 'Added *Eve* to contacts (eve@example.com).');
    t.ok(await db().findOne(Contact, { name: 'Eve' }));
  });
});
