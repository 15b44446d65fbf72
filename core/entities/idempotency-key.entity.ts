// Remembers a request that must take effect once (a Slack retry, a double-clicked button).
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const IdempotencyKey = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: (p) => ({
    key: p.string().length(300).primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
    result: p.json<Record<string, unknown>>().nullable(),
  }),
  indexes: [{ name: 'idempotency_key_created_idx', properties: ['createdAt'] }],
});
export type IIdempotencyKey = InferEntity<typeof IdempotencyKey>;
