// A bearer token for the JSON API; only its SHA-256 hash is stored.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    name: p.string().length(200),
    tokenHash: p.string().length(64).unique('api_token_hash_unique'),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdByName: p.string().length(200),
    revokedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
  }),
});
export type IApiToken = InferEntity<typeof ApiToken>;
