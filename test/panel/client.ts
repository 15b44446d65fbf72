// A browser-like client over app.inject for panel tests: keeps the session cookie and sends the CSRF token.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createUser } from '../../core/user.service.ts';

export type Form = Record<string, string | string[] | undefined>;

export class PanelClient {
  cookie = '';
  private token = '';

  constructor(readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie, ...headers } });
    this.keep(response);
    const token = /name="_csrf" value="([^"]+)"/u.exec(response.body)?.[1];
    if (token) this.token = token;
    return response;
  }

  /** A POST as the browser sends it: url-encoded, with the page's CSRF token unless `csrf: false`. */
  async post(url: string, form: Form = {}, options: { headers?: Record<string, string>; csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', await this.csrfToken());
    for (const [key, value] of Object.entries(form)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      payload: body.toString(),
    });
    this.keep(response);
    return response;
  }

  /** The token a page of this session carries (as the hidden input every form has). */
  async csrfToken(): Promise<string> {
    for (const url of ['/account', '/login', '/setup']) {
      if (this.token) break;
      await this.get(url);
    }
    if (!this.token) throw new Error('no page with a CSRF token');
    return this.token;
  }

  async signIn(email: string, password: string): Promise<LightMyRequestResponse> {
    const response = await this.post('/login', { email, password });
    this.token = ''; // a new session has a new CSRF secret
    return response;
  }

  private keep(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (cookie.name !== 'contactdesk_session') continue;
      const expired = cookie.maxAge === 0 || (cookie.expires && cookie.expires.getTime() <= Date.now());
      this.cookie = expired ? '' : `${cookie.name}=${encodeURIComponent(cookie.value)}`;
      if (expired) this.token = '';
    }
  }
}

export const PASSWORD = 'correct horse battery';

/** A user of the given role and a client signed in as that user. */
export async function signedIn(app: FastifyInstance, em: EntityManager, role: 'admin' | 'agent', email = `${role}@example.com`): Promise<PanelClient> {
  await createUser(em, { email, name: role === 'admin' ? 'Ada Admin' : 'Aga Agent', password: PASSWORD, role });
  const client = new PanelClient(app);
  const response = await client.signIn(email, PASSWORD);
  if (response.statusCode !== 303) throw new Error(`sign-in failed with ${response.statusCode}`);
  return client;
}

export const htmx = (target: string): Record<string, string> => ({ 'hx-request': 'true', 'hx-target': target });
