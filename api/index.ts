// The JSON API under /api/v1: bearer-token auth, the contact contract, errors as {"error": {...}}.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authenticateApiToken } from '../core/api-token.service.ts';
import { searchContacts } from '../core/contact.search.ts';
import {
  addSender,
  createContact,
  deleteContact,
  findContactBySender,
  getContact,
  quickAddRequester,
  removeSender,
  updateContact,
} from '../core/contact.service.ts';
import { listIntegrations } from '../core/integration.service.ts';
import { NotFoundError } from '../core/errors.ts';
import type { Actor } from '../core/actor.ts';
import { sendApiError } from './errors.ts';
import { openApiDocument } from './openapi.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiActor?: Actor;
  }
}

/** Path ids are positive integers; anything else cannot name a contact. */
function idOf(request: FastifyRequest, name = 'id'): number {
  const raw = (request.params as Record<string, string>)[name] ?? '';
  const id = /^\d{1,9}$/u.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
  return id;
}

function actorOf(request: FastifyRequest): Actor {
  return request.apiActor as Actor;
}

export const apiPlugin: FastifyPluginAsync = async (app) => {
  // The API speaks JSON only: any other body is refused with 415 rather than read as a string.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.setErrorHandler((error, request, reply) => sendApiError(error as Error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
  );

  app.get('/openapi.json', async () => openApiDocument(app.config.publicUrl));

  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url === '/api/v1/openapi.json') return;
    const header = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S{1,500})$/iu.exec(header)?.[1] ?? '';
    const actor = await authenticateApiToken(request.em, token, app.config.API_TOKEN);
    if (!actor) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: 'Send a valid API token as "Authorization: Bearer <token>".' } });
    }
    request.apiActor = actor;
  });

  app.get('/contacts', async (request) => {
    const page = await searchContacts(request.em, request.query);
    return { items: page.items, nextCursor: page.nextCursor, capped: page.capped };
  });

  app.get('/contacts/:id', async (request) => getContact(request.em, idOf(request)));

  app.post('/contacts', async (request, reply) => {
    const contact = await createContact(request.em, request.body, actorOf(request));
    return reply.code(201).header('location', `/api/v1/contacts/${contact.id}`).send(contact);
  });

  app.patch('/contacts/:id', async (request) => updateContact(request.em, idOf(request), request.body, actorOf(request)));

  app.delete('/contacts/:id', async (request, reply) => {
    await deleteContact(request.em, idOf(request), actorOf(request));
    return reply.code(204).send();
  });

  app.post('/contacts/:id/senders', async (request, reply) => {
    const body = (request.body ?? {}) as { sourceUrl?: unknown };
    const sourceUrl = typeof body.sourceUrl === 'string' ? body.sourceUrl : null;
    return reply.code(201).send(await addSender(request.em, idOf(request), request.body, actorOf(request), { sourceUrl }));
  });

  app.delete('/contacts/:id/senders/:senderId', async (request) =>
    removeSender(request.em, idOf(request), idOf(request, 'senderId'), actorOf(request)),
  );

  app.get('/lookup', async (request) => {
    const contact = await findContactBySender(request.em, request.query);
    if (!contact) throw new NotFoundError();
    return contact;
  });

  app.post('/quick-add', async (request, reply) => {
    const body = (request.body ?? {}) as { requester?: unknown; source?: { url?: unknown } };
    const url = typeof body.source?.url === 'string' ? body.source.url : null;
    const result = await quickAddRequester(request.em, body.requester, actorOf(request), { url });
    return reply.code(201).send(result);
  });

  app.get('/integrations', async (request) => ({ items: await listIntegrations(request.em) }));
};
