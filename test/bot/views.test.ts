// Modal submissions over HTTP: the contact form (add, edit, field errors, a sender owned elsewhere, a stale
// edit) and the requester form; errors come back as response_action "errors" keyed by the field's block_id.
import t from 'tap';
import { actor } from '../../core/actor.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { Contact, AuditEvent } from '../../core/entities/index.ts';
import { startFakeSlack, botTestApp, sendSigned, commandBody, interactionBody, actionPayload, viewSubmission } from '../helpers/slack.ts';

t.test('modal submissions', async (t) => {
  const fake = await startFakeSlack(t);
  const { app, idle } = await botTestApp(t, fake);
  fake.users.U0PL = { locale: 'pl', name: 'Ola Agentka' };
  const db = () => app.orm.em.fork();
  const shop = await createIntegration(db(), { platform: 'allegro', label: 'main shop' });
  const ola = await createContact(db(), { name: 'Ola Kamińska', senders: [{ kind: 'email', value: 'ola@example.com' }] }, actor('panel', 1, 'Admin'));

  /** Opens the add form with `/contact <text>` and returns the view Slack was asked to show. */
  async function openWith(text: string, user?: string) {
    await sendSigned(app, commandBody({ text, responseUrl: fake.responseUrl(`cmd-${text.split(' ')[0]}`), user }));
    await idle();
    return fake.calls('views.open').at(-1)!.body.view;
  }

  async function submit(payload: Record<string, unknown>) {
    const res = await sendSigned(app, interactionBody(payload));
    await idle();
    return res;
  }

  t.test('a valid new contact is created, and the agent told where they asked', async (t) => {
    const view = await openWith('add Anna Zielińska');
    const res = await submit(viewSubmission(view, {
      name: 'Anna  Zielińska',
      senders: 'Anna@Example.com\n\n+48 601 222 333\nania_z (Allegro)',
      country: { option: 'PL' },
      language: { option: 'pl' },
      integrations: { options: [String(shop.id)] },
      note: 'VIP',
    }));
    t.equal(res.statusCode, 200);
    t.equal(res.body, '', 'an empty answer closes the modal');
    const anna = (await db().findOneOrFail(Contact, { name: 'Anna Zielińska' }, { populate: ['senders', 'integrations'] })) as any;
    t.same(anna.senders.getItems().map((s: any) => [s.kind, s.normalized, s.platform]), [['email', 'anna@example.com', null], ['phone', '+48601222333', null], ['handle', 'ania_z', 'allegro']]);
    t.same([anna.country, anna.language, anna.note], ['PL', 'pl', 'VIP']);
    t.same(anna.integrations.getItems().map((i: any) => i.id), [shop.id]);
    t.match(await db().findOne(AuditEvent, { contactId: anna.id }), { channel: 'slack', actorId: 'U0AGENT' });
    const reply = fake.calls('response_url').at(-1)!;
    t.equal(reply.path, '/response/cmd-add', 'answered through the command’s response URL');
    t.match(reply.body.text, 'Created *Anna Zielińska*.');
  });

  t.test('invalid input: each problem next to its field, a sender’s problem naming its line, nothing stored', async (t) => {
    const view = await openWith('add');
    const count = await db().count(Contact, {});
    const res = await submit(viewSubmission(view, { name: '   ', senders: 'jan@@example\n12\nnick_only', country: { option: null } }));
    t.equal(res.statusCode, 200);
    t.same(res.json(), {
      response_action: 'errors',
      errors: {
        name: 'Enter a name.',
        senders: [
          'Line 1: This is not a valid e-mail address.',
          'Line 2: This is not a valid phone number (include the country code for numbers from abroad).',
          'Line 3: Choose the platform of this nick (Allegro, eBay, …).',
        ].join('\n'),
      },
    });
    t.equal(await db().count(Contact, {}), count);
  });

  t.test('errors in Polish for a Polish agent', async (t) => {
    const view = await openWith('add', 'U0PL');
    const res = await submit(viewSubmission(view, { name: '' }, { user: 'U0PL' }));
    t.same(res.json().errors, { name: 'Podaj nazwę.' });
  });

  t.test('a sender owned by another contact, and a taken name, name the owner', async (t) => {
    const view = await openWith('add');
    const res = await submit(viewSubmission(view, { name: 'Someone New', senders: 'new@example.com\nOLA@example.com' }));
    t.same(res.json().errors, { senders: 'Line 2: OLA@example.com already belongs to Ola Kamińska.' });
    const named = await submit(viewSubmission(view, { name: 'ola kamińska' }));
    t.same(named.json().errors, { name: 'A contact named “Ola Kamińska” already exists.' });
  });

  t.test('a retried submission gets the same answer and stores nothing twice', async (t) => {
    const view = await openWith('add');
    const payload = viewSubmission(view, { name: 'Retry Person', senders: 'ola@example.com' }, { viewId: 'V-RETRY' });
    const first = await submit(payload);
    const again = await sendSigned(app, interactionBody(payload), { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    await idle();
    t.same(again.json(), first.json());
    t.match(first.json(), { response_action: 'errors' });
  });

  t.test('edit: the button opens the filled form, saving updates the contact; a stale form is refused', async (t) => {
    const res = await sendSigned(app, interactionBody(actionPayload({ actionId: 'contact_edit', value: String(ola.id), responseUrl: fake.responseUrl('edit-click') })));
    t.equal(res.statusCode, 200);
    await idle();
    const view = fake.calls('views.update').at(-1)!.body.view;
    t.equal(view.callback_id, 'contact_edit');
    const saved = await submit(viewSubmission(view, { name: 'Ola Kamińska-Nowak', senders: 'ola@example.com\nola.nowak@example.com', country: { option: 'DE' } }));
    t.equal(saved.body, '');
    const updated = (await db().findOneOrFail(Contact, ola.id, { populate: ['senders'] })) as any;
    t.equal(updated.name, 'Ola Kamińska-Nowak');
    t.equal(updated.country, 'DE');
    t.same(updated.senders.getItems().map((s: any) => s.normalized).sort(), ['ola.nowak@example.com', 'ola@example.com']);
    const reply = fake.calls('response_url').at(-1)!;
    t.equal(reply.path, '/response/edit-click');
    t.match(reply.body.text, 'Saved *Ola Kamińska-Nowak*.');

    const stale = await submit(viewSubmission(view, { name: 'Someone Else', senders: 'ola@example.com' }));
    t.same(stale.json().errors, { name: 'This contact was changed meanwhile. Reload it and make your change again.' });
    t.equal(((await db().findOneOrFail(Contact, ola.id)) as any).name, 'Ola Kamińska-Nowak');
  });

  t.test('a contact with more senders than a Slack input holds: edited without touching them', async (t) => {
    const senders = Array.from({ length: 50 }, (_, i) => ({ kind: 'email' as const, value: `a-rather-long-address-number-${i}@customer-support-department.example.com` }));
    const many = await createContact(db(), { name: 'Many Senders', senders }, actor('panel', 1, 'Admin'));
    await sendSigned(app, interactionBody(actionPayload({ actionId: 'contact_edit', value: String(many.id), responseUrl: fake.responseUrl() })));
    await idle();
    const view = fake.calls('views.update').at(-1)!.body.view;
    t.notOk(view.blocks.some((b: any) => b.block_id === 'senders'), 'no senders box');
    t.match(JSON.stringify(view.blocks), 'more senders than a Slack form can hold');
    t.equal((await submit(viewSubmission(view, { name: 'Many Senders Renamed' }))).body, '');
    const saved = (await db().findOneOrFail(Contact, many.id, { populate: ['senders'] })) as any;
    t.equal(saved.name, 'Many Senders Renamed');
    t.equal(saved.senders.getItems().length, 50);
  });

  t.test('the requester form: one of e-mail, phone or nick, quick-added with the message as its source', async (t) => {
    await sendSigned(app, interactionBody(actionPayload({
      actionId: 'requester_enter',
      value: JSON.stringify({ s: 'https://acme-support.slack.com/archives/C0TICKETS/p1700000000000900', h: null }),
      responseUrl: fake.responseUrl('enter'),
    })));
    await idle();
    const view = fake.calls('views.open').at(-1)!.body.view;
    t.equal(view.callback_id, 'requester_entry');

    t.same((await submit(viewSubmission(view, { displayName: 'Piotr' }))).json().errors, { email: 'Fill in an e-mail, a phone or a nick.' });
    t.same((await submit(viewSubmission(view, { email: 'p@example.com', phone: '600 100 200' }))).json().errors, { phone: 'Fill in only one of e-mail, phone or nick.' });
    t.same((await submit(viewSubmission(view, { handle: 'piotr_88' }))).json().errors, { platform: 'Choose the platform of this nick (Allegro, eBay, …).' });
    t.same((await submit(viewSubmission(view, { email: 'not an address' }))).json().errors, { email: 'This is not a valid e-mail address.' });
    t.same((await submit(viewSubmission(view, { email: 'OLA@example.com' }))).json().errors, { email: 'OLA@example.com already belongs to Ola Kamińska-Nowak.' });

    const created = await submit(viewSubmission(view, { displayName: 'Piotr Wójcik', handle: 'piotr_88', platform: 'eBay' }));
    t.equal(created.body, '');
    const piotr = (await db().findOneOrFail(Contact, { name: 'Piotr Wójcik' }, { populate: ['senders'] })) as any;
    t.match(piotr.senders.getItems()[0], { kind: 'handle', value: 'piotr_88', platform: 'ebay', sourceUrl: 'https://acme-support.slack.com/archives/C0TICKETS/p1700000000000900' });
    t.match(fake.calls('response_url').at(-1)!.body.text, 'Added *Piotr Wójcik* to contacts (piotr_88 (eBay)).');
  });
});
