// One setting an admin chooses for the whole workspace (unfurl level, retention, …), shared by every instance.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const WorkspaceSetting = defineEntity({
  name: 'WorkspaceSetting',
  tableName: 'workspace_setting',
  properties: (p) => ({
    key: p.string().length(100).primary(),
    value: p.json<unknown>(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
    updatedByName: p.string().length(200),
  }),
});
export type IWorkspaceSetting = InferEntity<typeof WorkspaceSetting>;
