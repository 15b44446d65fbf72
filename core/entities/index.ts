// Every entity, listed explicitly for the ORM configuration.
import { Contact } from './contact.entity.ts';
import { Sender } from './sender.entity.ts';
import { IntegrationAccount } from './integration-account.entity.ts';
import { AuditEvent } from './audit-event.entity.ts';
import { User } from './user.entity.ts';
import { ApiToken } from './api-token.entity.ts';
import { IdempotencyKey } from './idempotency-key.entity.ts';
import { WorkspaceSetting } from './workspace-setting.entity.ts';

export { Contact, Sender, IntegrationAccount, AuditEvent, User, ApiToken, IdempotencyKey, WorkspaceSetting };
export const ENTITIES = [Contact, Sender, IntegrationAccount, AuditEvent, User, ApiToken, IdempotencyKey, WorkspaceSetting];
export type { IContact } from './contact.entity.ts';
export type { ISender } from './sender.entity.ts';
export type { IIntegrationAccount } from './integration-account.entity.ts';
export type { IAuditEvent } from './audit-event.entity.ts';
export type { IUser } from './user.entity.ts';
export type { IApiToken } from './api-token.entity.ts';
