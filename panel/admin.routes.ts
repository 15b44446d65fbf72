// Admin pages: integration accounts, panel users and API tokens. Secrets (temporary passwords, tokens) are
// shown once, in the answer to the request that made them, and never stored in clear.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createIntegration, deleteIntegration, listIntegrationsWithUsage, renameIntegration } from '../core/integration.service.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../core/api-token.service.ts';
import { deactivateUser, inviteUser, listUsers, resetPassword, ROLES, type PanelUser } from '../core/user.service.ts';
import { t } from '../core/i18n/index.ts';
import { render, seeOther, idOf, PLATFORM_OPTIONS, type View } from './render.ts';


const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;
const str = (value: unknown, max = 300) => (typeof value === 'string' ? value.slice(0, max) : '');

export const adminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), admin: true };
  });

  // ---------------------------------------------------------------------------------------------------
  // Integration accounts

  const integrationsView: View = { page: 'admin-integrations' };
  const integrationsData = async (request: FastifyRequest, values = { platform: '', label: '' }) => ({
    title: t(request.locale, 'panel.integrations.title'),
    integrations: await listIntegrationsWithUsage(request.em),
    platforms: PLATFORM_OPTIONS,
    values,
  });

  app.get('/admin/integrations', async (request, reply) => render(request, reply, integrationsView, await integrationsData(request)));

  app.post('/admin/integrations', async (request, reply) => {
    const values = { platform: str(body(request).platform, 60), label: str(body(request).label) };
    request.panelForm = { view: integrationsView, data: await integrationsData(request, values) };
    const created = await createIntegration(request.em, values);
    return seeOther(request, reply, '/admin/integrations', t(request.locale, 'panel.flash.integrationAdded', { label: created.label }));
  });

  app.post('/admin/integrations/:id/rename', async (request, reply) => {
    const id = idOf(request);
    const label = str(body(request).label);
    request.panelForm = { view: integrationsView, data: { ...(await integrationsData(request)), renaming: { id, label } } };
    await renameIntegration(request.em, id, { label });
    return seeOther(request, reply, '/admin/integrations', t(request.locale, 'panel.flash.integrationRenamed', { label }));
  });

  app.post('/admin/integrations/:id/delete', async (request, reply) => {
    const id = idOf(request);
    request.panelForm = { view: integrationsView, data: await integrationsData(request) };
    await deleteIntegration(request.em, id);
    return seeOther(request, reply, '/admin/integrations', t(request.locale, 'panel.flash.integrationRemoved'));
  });

  // ---------------------------------------------------------------------------------------------------
  // Users

  const usersView: View = { page: 'admin-users' };
  const usersData = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => ({
    title: t(request.locale, 'panel.users.title'),
    users: await listUsers(request.em),
    roles: ROLES,
    values: { email: '', name: '', role: 'agent' },
    ...extra,
  });

  app.get('/admin/users', async (request, reply) => render(request, reply, usersView, await usersData(request)));

  app.post('/admin/users', async (request, reply) => {
    const values = { email: str(body(request).email, 254), name: str(body(request).name, 200), role: str(body(request).role, 10) };
    request.panelForm = { view: usersView, data: await usersData(request, { values }) };
    const { user, password } = await inviteUser(request.em, values);
    return render(request, reply, usersView, await usersData(request, { secret: { label: t(request.locale, 'panel.users.invited', { email: user.email }), value: password } }), 201);
  });

  app.post('/admin/users/:id/reset', async (request, reply) => {
    request.panelForm = { view: usersView, data: await usersData(request) };
    const { user, password } = await resetPassword(request.em, idOf(request));
    return render(request, reply, usersView, await usersData(request, { secret: { label: t(request.locale, 'panel.users.resetDone', { email: user.email }), value: password } }));
  });

  app.post('/admin/users/:id/deactivate', async (request, reply) => {
    request.panelForm = { view: usersView, data: await usersData(request) };
    const user = await deactivateUser(request.em, idOf(request), (request.panelUser as PanelUser).id);
    return seeOther(request, reply, '/admin/users', t(request.locale, 'panel.flash.userDeactivated', { email: user.email }));
  });

  // ---------------------------------------------------------------------------------------------------
  // API tokens

  const tokensView: View = { page: 'admin-tokens' };
  const tokensData = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => ({
    title: t(request.locale, 'panel.tokens.title'),
    tokens: await listApiTokens(request.em),
    values: { name: '' },
    ...extra,
  });

  app.get('/admin/tokens', async (request, reply) => render(request, reply, tokensView, await tokensData(request)));

  app.post('/admin/tokens', async (request, reply) => {
    const name = str(body(request).name, 300);
    request.panelForm = { view: tokensView, data: await tokensData(request, { values: { name } }) };
    const { token } = await createApiToken(request.em, name, (request.panelUser as PanelUser).name);
    return render(request, reply, tokensView, await tokensData(request, { secret: { label: t(request.locale, 'panel.tokens.created', { name: name.trim() }), value: token } }), 201);
  });

  app.post('/admin/tokens/:id/revoke', async (request, reply) => {
    await revokeApiToken(request.em, idOf(request));
    return seeOther(request, reply, '/admin/tokens', t(request.locale, 'panel.flash.tokenRevoked'));
  });
};
