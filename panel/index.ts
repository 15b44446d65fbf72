// The web admin panel: server-rendered pages and htmx fragments over the core. Everything it needs (form
// parser, session, CSRF, security headers, views, static files) is registered inside this encapsulated
// plugin, so none of it reaches /api/v1 or the Slack endpoints.
import { hkdfSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import formbody from '@fastify/formbody';
import secureSession from '@fastify/secure-session';
import csrfProtection from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyView from '@fastify/view';
import fastifyStatic from '@fastify/static';
import { Eta } from 'eta';
import { pickLocale, t, type MessageKey } from '../core/i18n/index.ts';
import { bootstrapAdmin, sessionUser } from '../core/user.service.ts';
import { databaseTrouble } from '../core/database.ts';
import { DomainError, InUseError, InvalidInputError, NameTakenError, NotFoundError, SenderTakenError, StaleVersionError } from '../core/errors.ts';
import { render, isHtmx, sessionOf, type FieldError } from './render.ts';
import { authRoutes } from './auth.routes.ts';
import { contactRoutes } from './contact.routes.ts';
import { adminRoutes } from './admin.routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (sign-in, first run). */
    public?: boolean;
    /** Only for admins. */
    admin?: boolean;
  }
}

const here = path.dirname(fileURLToPath(import.meta.url));
const htmxDir = path.dirname(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'));

/** A 32-byte session key derived from SESSION_SECRET; a random one (with a warning) when it is not set. */
function sessionKey(secret: string | undefined, warn: (msg: string) => void): Buffer {
  if (!secret) {
    warn('SESSION_SECRET is not set: using a random session key, so sessions end at restart and do not work across several instances');
    return randomBytes(32);
  }
  // The secret is a random string of 32+ characters, not a password: HKDF is enough and costs nothing at start.
  return Buffer.from(hkdfSync('sha256', secret, 'contactdesk', 'panel session cookie', 32));
}

export const panelPlugin: FastifyPluginAsync = async (app) => {
  const { config } = app;
  const ttlSeconds = Math.round(config.SESSION_TTL_HOURS * 3600);
  const https = config.publicUrl.startsWith('https:');

  await app.register(helmet, {
    // htmx runs from our own file and is configured not to evaluate code or inject styles (see layout.eta).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: https ? undefined : false,
  });
  // Forms only (htmx sends them url-encoded too): JSON or text inherited from the root parsers is refused with 415.
  app.removeAllContentTypeParsers();
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(secureSession, {
    key: sessionKey(config.SESSION_SECRET, (msg) => app.log.warn(msg)),
    cookieName: 'contactdesk_session',
    expiry: ttlSeconds,
    // Lax, not Strict: a link to a contact posted in Slack must open signed in. POSTs still need the CSRF token.
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: https, maxAge: ttlSeconds },
  });
  await app.register(csrfProtection, { sessionPlugin: '@fastify/secure-session' });
  // Per client address and per instance, in memory. The per-account lock in core/user.service.ts is counted
  // in the database and so holds across instances; this limit only slows down one address hammering one instance.
  await app.register(rateLimit, { global: false });
  await app.register(fastifyView, {
    engine: { eta: new Eta() },
    root: path.join(here, 'views'),
    // Templates are part of the release: compiled once and kept (a template edit needs a restart).
    production: true,
  });
  await app.register(fastifyStatic, { root: path.join(here, 'static'), prefix: '/static/', index: false });

  app.get('/static/htmx.min.js', (_request, reply) => reply.sendFile('htmx.min.js', htmxDir));

  await bootstrapAdmin(app.orm.em.fork(), config.ADMIN_EMAIL, config.ADMIN_PASSWORD);

  app.decorateRequest('panelUser', null);
  app.decorateRequest('locale', 'en');
  app.decorateRequest('panelForm', null);

  // Who is asking, in which language; pages other than sign-in and static files need a live session.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/static/')) return; // no database round trip for a stylesheet
    const session = sessionOf(request);
    const uid = session.get('uid');
    const iat = session.get('iat') ?? 0;
    if (uid !== undefined && Date.now() - iat < ttlSeconds * 1000) {
      request.panelUser = await sessionUser(request.em, uid, session.get('epoch'));
    }
    request.locale = request.panelUser?.locale ?? pickLocale(request.headers['accept-language'], config.DEFAULT_LOCALE);
    const routeConfig = request.routeOptions.config ?? {};
    if (routeConfig.public) return;
    if (!request.panelUser) {
      if (uid !== undefined) session.delete();
      const next = request.method === 'GET' ? request.url : '/contacts';
      const login = `/login${next === '/' || next === '/contacts' ? '' : `?next=${encodeURIComponent(next)}`}`;
      if (isHtmx(request)) return reply.code(204).header('hx-redirect', login).send();
      return reply.code(303).header('location', login).send();
    }
    if (routeConfig.admin && request.panelUser.role !== 'admin') {
      return render(request, reply, { page: 'error' }, { title: t(request.locale, 'panel.error.forbidden.title'), message: t(request.locale, 'panel.error.forbidden') }, 403);
    }
  });

  // Every state change: a same-origin request (Sec-Fetch-Site, sent by every current browser) with a valid token.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD') return done();
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      done(Object.assign(new Error('cross-site request'), { statusCode: 403, code: 'FST_CSRF_INVALID_TOKEN' }));
      return;
    }
    app.csrfProtection(request, reply, done);
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => handleError(error, request, reply));
  app.setNotFoundHandler(async (request, reply) =>
    render(request, reply, { page: 'error' }, { title: t(request.locale, 'panel.error.notFound.title'), message: t(request.locale, 'panel.error.notFound') }, 404),
  );

  app.get('/', async (_request, reply) => reply.code(303).header('location', '/contacts').send());
  await app.register(authRoutes);
  await app.register(contactRoutes);
  await app.register(adminRoutes);
};

/** Field errors and a summary for a domain error, in the request's language. */
export function describeError(error: DomainError, request: FastifyRequest): { fields: Record<string, FieldError>; summary: string } {
  const locale = request.locale;
  const message = t(locale, error.code, error.params);
  const fields: Record<string, FieldError> = {};
  if (error instanceof InvalidInputError) {
    for (const issue of error.issues) fields[issue.field] ??= { message: t(locale, issue.code, issue.params) };
  }
  if (error instanceof NameTakenError) fields.name = { message, owner: error.owner };
  if (error instanceof SenderTakenError) fields[error.field ?? 'value'] = { message, owner: error.owner };
  // When the problem is shown next to a field, the summary only says that there is something to fix.
  return { fields, summary: Object.keys(fields).length > 0 ? t(locale, 'error.invalidInput') : message };
}

function statusOf(error: DomainError): number {
  if (error instanceof InvalidInputError) return 422;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof NameTakenError || error instanceof SenderTakenError || error instanceof StaleVersionError || error instanceof InUseError) return 409;
  return 400;
}

/**
 * The panel's one place for errors: a domain error on a form renders that form again with everything typed
 * and the problems next to their fields (htmx swaps 4xx responses, so the fragment replaces the form);
 * anything else is a friendly page, and unexpected errors are logged with the request id.
 */
async function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const locale = request.locale ?? 'en';
  const page = (status: number, titleKey: MessageKey, messageKey: MessageKey, params: Record<string, string | number> = {}) =>
    render(request, reply, { page: 'error' }, { title: t(locale, titleKey), message: t(locale, messageKey, params), requestId: status >= 500 ? request.id : undefined }, status);
  try {
    if (error instanceof DomainError) {
      const status = statusOf(error);
      if (request.panelForm && !(error instanceof NotFoundError)) {
        const { fields, summary } = describeError(error, request);
        return await render(request, reply, request.panelForm.view, { ...request.panelForm.data, errors: fields, formError: summary, stale: error instanceof StaleVersionError }, status);
      }
      return await page(status, status === 404 ? 'panel.error.notFound.title' : 'panel.error.title', error.code, error.params);
    }
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') return await page(403, 'panel.error.title', 'panel.error.csrf');
    if (error.statusCode === 429) return await page(429, 'panel.error.title', 'panel.error.tooMany');
    const trouble = databaseTrouble(error);
    if (trouble) {
      request.log.warn({ err: error }, `database ${trouble}`);
      reply.header('retry-after', '5');
      return await page(503, 'panel.error.title', 'panel.error.unavailable');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return await page(error.statusCode, 'panel.error.title', 'panel.error.badRequest');
  } catch (renderError) {
    request.log.error({ err: renderError }, 'could not render the error page');
    return reply.code(500).type('text/plain; charset=utf-8').send(`Something went wrong. Request id: ${request.id}`);
  }
  request.log.error({ err: error }, 'unhandled panel error');
  try {
    return await page(500, 'panel.error.title', 'panel.error.internal');
  } catch {
    return reply.code(500).type('text/plain; charset=utf-8').send(`Something went wrong. Request id: ${request.id}`);
  }
}
