// A person who signs in to the panel.
import { defineEntity, type InferEntity } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: (p) => ({
    id: p.integer().primary().autoincrement(),
    email: p.string().length(254).unique('app_user_email_unique'),
    name: p.string().length(200),
    passwordHash: p.string().length(200),
    role: p.string().length(10),
    locale: p.string().length(5).nullable(),
    active: p.boolean().default(true),
    /** Bumped on password reset or deactivation: sessions signed with an older value are refused. */
    sessionEpoch: p.integer().default(0),
    /** Failed sign-ins in a row, kept in the database so every instance counts the same attempts. */
    failedLogins: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastLoginAt: p.datetime().nullable(),
  }),
});
export type IUser = InferEntity<typeof User>;
