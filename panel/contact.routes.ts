// Contact pages: the list with search and filters, details with history, create/edit forms, delete, new ticket.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { searchContacts, CANDIDATE_CAP, SORTS, type SearchPage } from '../core/contacts/contact.search.ts';
import { createContact, deleteContact, findNameOwner, getContact, recordContactEvent, updateContact } from '../core/contacts/contact.service.ts';
import { listIntegrations } from '../core/integration.service.ts';
import { contactHistory } from '../core/contacts/contact.audit.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { parseInput } from '../core/contacts/contact.schemas.ts';
import { parseId } from '../core/ids.ts';
import { actor, type Actor } from '../core/actor.ts';
import type { ContactView } from '../core/contacts/contact.view.ts';
import { t } from '../core/i18n/index.ts';
import type { PanelUser } from '../core/user.service.ts';
import { render, seeOther, pickerOptions, targets, helpers, idOf, PLATFORM_OPTIONS, type View } from './render.ts';
import { applyRowAction, contactInput, emptyValues, readContactForm, valuesOf, type ContactFormValues } from './contact-form.ts';
import { describeEvent } from './history.ts';
import { createMailer } from './mail.ts';

const FILTERS = ['q', 'name', 'email', 'phone', 'country', 'language', 'integration', 'sort'] as const;
const PAGE_SIZE = 50;

function actorOf(request: FastifyRequest): Actor {
  const user = request.panelUser as PanelUser;
  return actor('panel', user.id, user.name);
}

/** The list's filters as given, only the known ones and only strings, for the form and for links. */
function filtersOf(query: Record<string, unknown>): Record<(typeof FILTERS)[number], string> {
  const result = {} as Record<(typeof FILTERS)[number], string>;
  for (const key of FILTERS) result[key] = typeof query[key] === 'string' ? (query[key] as string).slice(0, 300) : '';
  if (!(SORTS as readonly string[]).includes(result.sort) || result.sort === 'name') result.sort = ''; // name is the default
  return result;
}

const TicketInput = z.object({
  to: z.string({ error: 'error.ticket.to' }).min(1, { error: 'error.ticket.to' }),
  subject: z.string({ error: 'error.ticket.subject' }).trim().min(1, { error: 'error.ticket.subject' }).max(200, { error: 'error.ticket.subjectTooLong' }),
  message: z.string({ error: 'error.ticket.message' }).trim().min(1, { error: 'error.ticket.message' }).max(10_000, { error: 'error.ticket.messageTooLong' }),
});

export const contactRoutes: FastifyPluginAsync = async (app) => {
  const mailer = createMailer(app.config);

  // ---------------------------------------------------------------------------------------------------
  // List

  app.get('/contacts', async (request, reply) => {
    const filters = filtersOf(request.query as Record<string, unknown>);
    const cursor = typeof (request.query as { cursor?: unknown }).cursor === 'string' ? (request.query as { cursor: string }).cursor : '';
    const h = helpers(request.locale);
    let page: SearchPage = { items: [], nextCursor: null, capped: false };
    let queryError = '';
    try {
      page = await searchContacts(request.em, { ...filters, sort: filters.sort || undefined, cursor: cursor || undefined, limit: PAGE_SIZE });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      queryError = error.issues.map((i) => t(request.locale, i.code)).join(' ');
    }
    const listUrl = `/contacts${h.query(filters)}`;
    const moreUrl = page.nextCursor ? `/contacts${h.query({ ...filters, cursor: page.nextCursor })}` : null;
    // Filters, sort and position live in the URL: htmx pushes this one, so a view can be bookmarked.
    if (targets(request, 'results') || targets(request, 'load-more')) reply.header('hx-push-url', cursor ? `/contacts${h.query({ ...filters, cursor })}` : listUrl);
    const integrations = await listIntegrations(request.em);
    const filtered = FILTERS.some((key) => key !== 'sort' && filters[key] !== '');
    const view: View = targets(request, 'load-more') ? { page: '_rows' } : { page: 'contacts', fragment: '_results', target: 'results' };
    return render(request, reply, view, {
      title: t(request.locale, 'panel.contacts.title'),
      filters,
      page,
      cursor,
      moreUrl,
      listUrl,
      filtered,
      queryError,
      integrations,
      smtp: mailer !== null,
      pickers: pickerOptions(request.locale),
      capMessage: page.capped ? t(request.locale, 'search.capped', { cap: CANDIDATE_CAP }) : '',
    });
  });

  // ---------------------------------------------------------------------------------------------------
  // Create and edit

  async function formData(request: FastifyRequest, values: ContactFormValues, contact: ContactView | null) {
    const integrations = await listIntegrations(request.em);
    const groups = new Map<string, { platform: string; accounts: { id: number; label: string }[] }>();
    for (const account of integrations) {
      const group = groups.get(account.platform) ?? { platform: account.platform, accounts: [] };
      group.accounts.push({ id: account.id, label: account.label });
      groups.set(account.platform, group);
    }
    return {
      title: contact ? t(request.locale, 'panel.form.editTitle', { name: contact.name }) : t(request.locale, 'panel.form.newTitle'),
      contact,
      values,
      integrationGroups: [...groups.values()],
      pickers: pickerOptions(request.locale),
      platforms: PLATFORM_OPTIONS,
    };
  }

  const formView: View = { page: 'contact-form', fragment: '_contact-form', target: 'contact-form' };

  app.get('/contacts/new', async (request, reply) => render(request, reply, formView, await formData(request, emptyValues(), null)));

  app.post('/contacts', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = readContactForm(body, body._action !== undefined);
    if (applyRowAction(values, body._action)) return render(request, reply, formView, await formData(request, values, null));
    request.panelForm = { view: formView, data: await formData(request, values, null) };
    const contact = await createContact(request.em, contactInput(values), actorOf(request));
    return seeOther(request, reply, `/contacts/${contact.id}`, t(request.locale, 'panel.flash.created', { name: contact.name }));
  });

  app.get('/contacts/:id/edit', async (request, reply) => {
    const contact = await getContact(request.em, idOf(request));
    return render(request, reply, formView, await formData(request, valuesOf(contact), contact));
  });

  app.post('/contacts/:id/edit', async (request, reply) => {
    const contact = await getContact(request.em, idOf(request));
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = readContactForm(body, body._action !== undefined);
    if (applyRowAction(values, body._action)) return render(request, reply, formView, await formData(request, values, contact));
    request.panelForm = { view: formView, data: await formData(request, values, contact) };
    const updated = await updateContact(request.em, contact.id, { ...contactInput(values), version: values.version }, actorOf(request));
    return seeOther(request, reply, `/contacts/${updated.id}`, t(request.locale, 'panel.flash.updated', { name: updated.name }));
  });

  /** Inline uniqueness check while the name is typed: the field's message, or nothing. */
  app.get('/contacts/check-name', async (request, reply) => {
    const { name, except } = request.query as { name?: string; except?: string };
    const exceptId = parseId(except) ?? undefined;
    const owner = typeof name === 'string' && name.trim() ? await findNameOwner(request.em, name.slice(0, 1000), exceptId) : null;
    const error = owner ? { message: t(request.locale, 'error.nameTaken', { name: owner.name }), owner } : null;
    return render(request, reply, { page: '_field-error' }, { error });
  });

  /** One more empty sender row, appended in place by htmx. */
  app.get('/contacts/sender-row', async (request, reply) =>
    render(request, reply, { page: '_sender-row' }, { row: { kind: 'email', value: '', platform: '' }, index: -1 }),
  );

  // ---------------------------------------------------------------------------------------------------
  // Details, delete

  app.get('/contacts/:id', async (request, reply) => {
    const contact = await getContact(request.em, idOf(request));
    const [events, integrations] = await Promise.all([
      contactHistory(request.em, contact.id),
      listIntegrations(request.em),
    ]);
    const labels = new Map(integrations.map((i) => [i.id, `${helpers(request.locale).platform(i.platform)} — ${i.label}`]));
    return render(request, reply, { page: 'contact' }, {
      title: contact.name,
      contact,
      history: events.map((event) => describeEvent(event, request.locale, labels)),
      smtp: mailer !== null,
    });
  });

  app.get('/contacts/:id/delete', async (request, reply) => {
    const contact = await getContact(request.em, idOf(request));
    return render(request, reply, { page: 'contact-delete' }, { title: t(request.locale, 'panel.delete.title', { name: contact.name }), contact });
  });

  app.post('/contacts/:id/delete', async (request, reply) => {
    const id = idOf(request);
    const htmxRow = targets(request, `contact-${id}`);
    try {
      const contact = await getContact(request.em, id);
      await deleteContact(request.em, id, actorOf(request));
      // htmx replaces the row with this empty answer: the row disappears in place.
      if (htmxRow) return reply.code(200).type('text/html; charset=utf-8').send('');
      return seeOther(request, reply, '/contacts', t(request.locale, 'panel.flash.deleted', { name: contact.name }));
    } catch (error) {
      // Someone deleted it first: the row goes all the same.
      if (error instanceof NotFoundError && htmxRow) return reply.code(200).type('text/html; charset=utf-8').send('');
      throw error;
    }
  });

  // ---------------------------------------------------------------------------------------------------
  // New ticket

  const ticketView: View = { page: 'ticket', fragment: '_ticket-form', target: 'ticket-form' };
  const emailsOf = (contact: ContactView) => contact.senders.filter((s) => s.kind === 'email').map((s) => s.value);

  async function ticketContact(request: FastifyRequest): Promise<ContactView> {
    const contact = await getContact(request.em, idOf(request));
    if (emailsOf(contact).length === 0) throw new NotFoundError();
    return contact;
  }

  app.get('/contacts/:id/ticket', async (request, reply) => {
    const contact = await ticketContact(request);
    if (!mailer) return reply.code(303).header('location', `mailto:${encodeURIComponent(emailsOf(contact)[0] ?? '')}`).send();
    return render(request, reply, ticketView, { title: t(request.locale, 'panel.ticket.title', { name: contact.name }), contact, emails: emailsOf(contact), values: { to: emailsOf(contact)[0], subject: '', message: '' } });
  });

  app.post('/contacts/:id/ticket', async (request, reply) => {
    const contact = await ticketContact(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { to: String(body.to ?? ''), subject: String(body.subject ?? '').slice(0, 1000), message: String(body.message ?? '').slice(0, 20_000) };
    request.panelForm = { view: ticketView, data: { title: t(request.locale, 'panel.ticket.title', { name: contact.name }), contact, emails: emailsOf(contact), values } };
    const input = parseInput(TicketInput, values);
    if (!emailsOf(contact).includes(input.to)) throw new InvalidInputError([{ field: 'to', code: 'error.ticket.to' }]);
    if (!mailer) throw new InvalidInputError([{ field: 'to', code: 'error.ticket.noSmtp' }]);
    try {
      await mailer.send({ to: input.to, subject: input.subject, text: input.message });
    } catch (error) {
      request.log.warn({ err: error }, 'sending a ticket failed');
      throw new InvalidInputError([{ field: 'to', code: 'error.ticket.sendFailed' }]);
    }
    await recordContactEvent(request.em, contact.id, 'ticket_sent', actorOf(request), { to: input.to, subject: input.subject });
    return seeOther(request, reply, `/contacts/${contact.id}`, t(request.locale, 'panel.flash.ticketSent', { to: input.to }));
  });
};
