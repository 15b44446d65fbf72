// Sign-in, sign-out, the first-run page and one's own account (language, password).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { changePassword, countUsers, createFirstAdmin, setUserLocale, signIn, type PanelUser } from '../core/user.service.ts';
import { t } from '../core/i18n/index.ts';
import { render, seeOther, sessionOf } from './render.ts';

type Body = Record<string, unknown>;

/**
 * Only paths of this site: an open redirect would let a link send a user anywhere after signing in. Printable
 * ASCII only, as a URL path is once encoded: anything else cannot go into the Location header.
 */
function safeNext(raw: unknown): string {
  return typeof raw === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/u.test(raw) && raw.length < 2000 ? raw : '/contacts';
}

function startSession(request: FastifyRequest, user: PanelUser): void {
  const session = sessionOf(request);
  session.regenerate(); // a fresh session (and CSRF secret) at every sign-in: no session fixation
  session.set('uid', user.id);
  session.set('epoch', user.sessionEpoch);
  session.set('iat', Date.now());
}

export const authRoutes: FastifyPluginAsync = async (app) => {
  const loginView = { page: 'login' };

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    if (request.panelUser) return reply.code(303).header('location', '/contacts').send();
    if ((await countUsers(request.em)) === 0) return reply.code(303).header('location', '/setup').send();
    const { next } = request.query as { next?: string };
    return render(request, reply, loginView, { title: t(request.locale, 'panel.login.title'), email: '', next: safeNext(next) });
  });

  app.post(
    '/login',
    { config: { public: true, rateLimit: { max: 20, timeWindow: '5 minutes' } } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const next = safeNext(body.next);
      const result = await signIn(request.em, body.email, body.password);
      if (!result.ok) {
        const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
        const key = result.reason === 'locked' ? 'panel.login.locked' : 'panel.login.invalid';
        return render(request, reply, loginView, { title: t(request.locale, 'panel.login.title'), email, next, formError: t(request.locale, key) }, result.reason === 'locked' ? 429 : 401);
      }
      startSession(request, result.user);
      return seeOther(request, reply, next);
    },
  );

  app.post('/logout', async (request, reply) => {
    sessionOf(request).delete();
    return seeOther(request, reply, '/login');
  });

  const setupView = { page: 'setup' };

  app.get('/setup', { config: { public: true } }, async (request, reply) => {
    if ((await countUsers(request.em)) > 0) return reply.code(303).header('location', '/login').send();
    return render(request, reply, setupView, { title: t(request.locale, 'panel.setup.title'), values: {} });
  });

  app.post('/setup', { config: { public: true, rateLimit: { max: 20, timeWindow: '5 minutes' } } }, async (request, reply) => {
    const body = (request.body ?? {}) as Body;
    const values = { email: String(body.email ?? '').slice(0, 254), name: String(body.name ?? '').slice(0, 200) };
    request.panelForm = { view: setupView, data: { title: t(request.locale, 'panel.setup.title'), values } };
    const user = await createFirstAdmin(request.em, { email: body.email, name: body.name, password: body.password });
    if (!user) return seeOther(request, reply, '/login');
    startSession(request, user);
    return seeOther(request, reply, '/contacts', t(request.locale, 'panel.setup.done'));
  });

  const accountView = { page: 'account' };
  const accountData = (request: FastifyRequest) => ({ title: t(request.locale, 'panel.account.title') });

  app.get('/account', async (request, reply) => render(request, reply, accountView, accountData(request)));

  app.post('/account/locale', async (request, reply) => {
    const user = request.panelUser as PanelUser;
    const body = (request.body ?? {}) as Body;
    request.panelForm = { view: accountView, data: accountData(request) };
    await setUserLocale(request.em, user.id, body.locale);
    return seeOther(request, reply, safeNext(body.next));
  });

  app.post('/account/password', async (request, reply) => {
    const user = request.panelUser as PanelUser;
    const body = (request.body ?? {}) as Body;
    request.panelForm = { view: accountView, data: accountData(request) };
    const updated = await changePassword(request.em, user.id, body.current, body.password);
    sessionOf(request).set('epoch', updated.sessionEpoch); // this session stays; every other one ends
    return seeOther(request, reply, '/account', t(request.locale, 'panel.account.passwordChanged'));
  });
};
