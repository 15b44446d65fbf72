// A connected account of the team on one platform ("Allegro — main shop").
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const IntegrationAccount = defineEntity({
  name: 'IntegrationAccount',
  tableName: 'integration_account',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    platform: p.string().length(40),
    label: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  }),
  uniques: [{ name: 'integration_account_platform_label_unique', properties: ['platform', 'label'] }],
});
export type IIntegrationAccount = InferEntity<typeof IntegrationAccount>;
