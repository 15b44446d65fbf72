// API tokens: shown once at creation, stored only as a SHA-256 hash, revocable at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken } from './entities/index.ts';
import { NotFoundError, InvalidInputError } from './errors.ts';
import { tidy } from './text.ts';
import { actor, type Actor } from './actor.ts';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(em: EntityManager, name: string, createdByName: string): Promise<{ id: number; token: string }> {
  const label = tidy(name);
  if (!label || label.length > 200) throw new InvalidInputError([{ field: 'name', code: 'error.label.required' }]);
  const token = `cd_${randomBytes(24).toString('base64url')}`;
  const row = em.create(ApiToken, { name: label, tokenHash: hashToken(token), createdByName });
  await em.flush();
  return { id: row.id, token };
}

export async function listApiTokens(em: EntityManager) {
  return em.find(ApiToken, {}, { orderBy: { createdAt: 'desc' } });
}

export async function revokeApiToken(em: EntityManager, id: number): Promise<void> {
  const updated = await em.nativeUpdate(ApiToken, { id, revokedAt: null }, { revokedAt: new Date() });
  if (updated === 0) throw new NotFoundError();
}

/**
 * The actor behind a bearer token: the token from the environment (compared in constant time) or an
 * unrevoked stored one. Checked on every request, so a revocation takes effect at once on every instance.
 */
export async function authenticateApiToken(em: EntityManager, token: string, envToken: string | undefined): Promise<Actor | null> {
  if (!token) return null;
  if (envToken && safeEqual(token, envToken)) return actor('api', 'env', 'API_TOKEN');
  const [row] = await em
    .getConnection()
    .execute<{ id: number; name: string; stale: boolean }[]>(
      `select id, name, (last_used_at is null or last_used_at < now() - interval '5 minutes') as stale
         from api_token where token_hash = ? and revoked_at is null`,
      [hashToken(token)],
    );
  if (!row) return null;
  // "Last used" is kept to the nearest five minutes: a write on every request would cost more than the request.
  if (row.stale) await em.getConnection().execute('update api_token set last_used_at = now() where id = ?', [row.id]);
  return actor('api', `token:${row.id}`, row.name);
}

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
