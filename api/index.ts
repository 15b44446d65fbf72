// The JSON API under /api/v1: bearer-token auth, the contact contract, errors as {"error": {...}}.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { authenticateApiToken } from '../core/api-token.service.ts';
import { searchContacts } from '../core/contacts/contact.search.ts';
import {
  addSender,
  createContact,
  deleteContact,
  findContactBySender,
  getContact,
  removeSender,
  updateContact,
} from '../core/contacts/contact.service.ts';
import { quickAddRequester } from '../core/contacts/quick-add.ts';
import { listIntegrations } from '../core/integration.service.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { parseId } from '../core/ids.ts';
import type { Actor } from '../core/actor.ts';
import { sendApiError } from './errors.ts';
import { openApiDocument } from './openapi.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiActor?: Actor;
  }
}

/** A path id that cannot name a record is answered like a missing one. */
function idOf(request: FastifyRequest, name = 'id'): number {
  const id = parseId((request.params as Record<string, string>)[name]);
  if (id === null) throw new NotFoundError();
  return id;
}

/**
 * The API refuses fields it does not know (a typo like "nmae" would otherwise be dropped silently);
 * the core's schemas stay lenient for the panel's and the bot's own forms.
 */
function knownFields<T>(body: T, allowed: readonly string[]): T {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
    if (unknown.length) throw new InvalidInputError(unknown.map((field) => ({ field, code: 'error.field.unknown' })));
  }
  return body;
}

const CONTACT_FIELDS = ['name', 'senders', 'country', 'language', 'integrations', 'note'] as const;

function actorOf(request: FastifyRequest): Actor {
  return request.apiActor as Actor;
}

export const apiPlugin: FastifyPluginAsync = async (app) => {
  // The API speaks JSON only: any other body is refused with 415 rather than read as a string.
  app.removeAllContentTypeParsers();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(Object.assign(new Error('The request body is not valid UTF-8.'), { statusCode: 400 }), undefined);
    }
    parseJson(request, text, done);
  });
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
    const contact = await createContact(request.em, knownFields(request.body, CONTACT_FIELDS), actorOf(request));
    return reply.code(201).header('location', `/api/v1/contacts/${contact.id}`).send(contact);
  });

  app.patch('/contacts/:id', async (request) =>
    updateContact(request.em, idOf(request), knownFields(request.body, [...CONTACT_FIELDS, 'version']), actorOf(request)),
  );

  app.delete('/contacts/:id', async (request, reply) => {
    await deleteContact(request.em, idOf(request), actorOf(request));
    return reply.code(204).send();
  });

  app.post('/contacts/:id/senders', async (request, reply) => {
    const body = knownFields((request.body ?? {}) as { sourceUrl?: unknown }, ['kind', 'value', 'platform', 'sourceUrl']);
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
    const body = knownFields((request.body ?? {}) as { requester?: unknown; source?: { url?: unknown } }, ['requester', 'source']);
    const url = typeof body.source?.url === 'string' ? body.source.url : null;
    const result = await quickAddRequester(request.em, body.requester, actorOf(request), { url });
    return reply.code(201).send(result);
  });

  app.get('/integrations', async (request) => ({ items: await listIntegrations(request.em) }));
};
