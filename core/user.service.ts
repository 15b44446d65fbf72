// Panel users: the first admin, sign-in with argon2 hashes, invitations, password resets and deactivation.
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { User, type IUser } from './entities/index.ts';
import { parseInput } from './contacts/contact.schemas.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { normalizeEmail } from './contacts/senders.ts';
import { tidy } from './text.ts';
import { LOCALES, type Locale } from './regions.ts';
import { messageKeyOf } from './i18n/index.ts';

export const ROLES = ['admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** After this many failed sign-ins in a row an account waits LOCK_MINUTES, whichever instance is asked. */
export const MAX_FAILED_LOGINS = 5;
export const LOCK_MINUTES = 15;

const email = z
  .string({ error: 'error.email.invalid' })
  .max(254, { error: 'error.email.invalid' })
  .transform((v) => normalizeEmail(v) ?? '')
  .pipe(z.string().min(1, { error: 'error.email.invalid' }));
const password = z.string({ error: 'error.password.tooShort' }).min(8, { error: 'error.password.tooShort' }).max(200, { error: 'error.password.tooLong' });
const name = z
  .string({ error: 'error.name.required' })
  .max(1000, { error: 'error.name.tooLong' })
  .transform(tidy)
  .pipe(z.string().min(1, { error: 'error.name.required' }).max(200, { error: 'error.name.tooLong' }));
const role = z.enum(ROLES, { error: 'error.role.invalid' });

export const UserInput = z.object({ email, name, password, role });
export const InviteInput = z.object({ email, name, role });
export const LocaleInput = z.enum(LOCALES as [Locale, ...Locale[]], { error: 'error.invalid' });

/** What the rest of the app sees of a user: never the hash. */
export interface PanelUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  locale: Locale | null;
  active: boolean;
  sessionEpoch: number;
  lastLoginAt: string | null;
  /** Set while too many failed sign-ins keep the account locked. */
  lockedUntil: string | null;
}

function toPanelUser(user: IUser): PanelUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role as Role,
    locale: (user.locale as Locale | null) ?? null,
    active: user.active,
    sessionEpoch: user.sessionEpoch,
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    lockedUntil: user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.toISOString() : null,
  };
}

/** A password handed over once (invitation, reset): 16 characters from an unambiguous alphabet. */
function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
}

export async function countUsers(em: EntityManager): Promise<number> {
  return em.count(User, {});
}

export async function listUsers(em: EntityManager): Promise<PanelUser[]> {
  const users = await em.find(User, {}, { orderBy: { active: 'desc', email: 'asc' } });
  return users.map((u) => toPanelUser(u as IUser));
}

/** Creates a user; a taken e-mail is reported on the e-mail field. */
export async function createUser(em: EntityManager, raw: unknown): Promise<PanelUser> {
  const input = parseInput(UserInput, raw);
  const user = em.create(User, { email: input.email, name: input.name, role: input.role, passwordHash: await hash(input.password) }) as IUser;
  try {
    await em.flush();
  } catch (error) {
    em.clear(); // the refused row must not be flushed again by a later query of this request
    if (error instanceof UniqueConstraintViolationException) throw new InvalidInputError([{ field: 'email', code: 'error.email.taken' }]);
    throw error;
  }
  return toPanelUser(user);
}

/**
 * Creates the first admin, only while there is no user at all. A transaction-scoped advisory lock makes two
 * instances (or two browser tabs on the first-run page) agree on who was first. Returns null when too late.
 */
export async function createFirstAdmin(em: EntityManager, raw: unknown): Promise<PanelUser | null> {
  const input = parseInput(UserInput.omit({ role: true }), raw);
  const passwordHash = await hash(input.password);
  return em.transactional(async (tx) => {
    await tx.getConnection().execute("select pg_advisory_xact_lock(hashtext('contactdesk:first-admin'))", [], 'all', tx.getTransactionContext());
    if ((await tx.count(User, {})) > 0) return null;
    const user = tx.create(User, { email: input.email, name: input.name, role: 'admin', passwordHash }) as IUser;
    await tx.flush();
    return toPanelUser(user);
  });
}

/** The admin from ADMIN_EMAIL / ADMIN_PASSWORD when no user exists yet; otherwise nothing happens. */
export async function bootstrapAdmin(em: EntityManager, adminEmail: string | undefined, adminPassword: string | undefined): Promise<PanelUser | null> {
  if (!adminEmail || !adminPassword) return null;
  return createFirstAdmin(em, { email: adminEmail, name: adminEmail.split('@')[0] ?? adminEmail, password: adminPassword });
}

export type SignInResult = { ok: true; user: PanelUser } | { ok: false; reason: 'invalid' | 'locked' };

// Verifying against a real hash when the account does not exist keeps the answer time the same.
let decoyHash: Promise<string> | null = null;

/**
 * Checks an e-mail and password. Failed attempts are counted on the account in the database, so the lock
 * holds across every instance; a successful sign-in resets the count.
 */
export async function signIn(em: EntityManager, rawEmail: unknown, rawPassword: unknown): Promise<SignInResult> {
  const address = typeof rawEmail === 'string' ? normalizeEmail(rawEmail) : null;
  const given = typeof rawPassword === 'string' ? rawPassword.slice(0, 200) : '';
  const user = address ? ((await em.findOne(User, { email: address })) as IUser | null) : null;
  if (!user || !user.active) {
    decoyHash ??= hash(temporaryPassword());
    await verify(await decoyHash, given || 'x').catch(() => false);
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > new Date()) return { ok: false, reason: 'locked' };
  const valid = given !== '' && (await verify(user.passwordHash, given).catch(() => false));
  const connection = em.getConnection();
  if (!valid) {
    // One atomic statement: concurrent failures on several instances all count.
    const [row] = await connection.execute<{ failed_logins: number }[]>(
      `update app_user set failed_logins = failed_logins + 1,
         locked_until = case when failed_logins + 1 >= ? then now() + make_interval(mins => ?) else locked_until end
       where id = ? returning failed_logins`,
      [MAX_FAILED_LOGINS, LOCK_MINUTES, user.id],
    );
    return { ok: false, reason: (row?.failed_logins ?? 0) >= MAX_FAILED_LOGINS ? 'locked' : 'invalid' };
  }
  await connection.execute('update app_user set failed_logins = 0, locked_until = null, last_login_at = now() where id = ?', [user.id]);
  return { ok: true, user: toPanelUser(user) };
}

/** The user behind a session: active, and signed in after the last password reset or deactivation. */
export async function sessionUser(em: EntityManager, id: unknown, epoch: unknown): Promise<PanelUser | null> {
  if (!Number.isSafeInteger(id) || typeof epoch !== 'number') return null;
  const user = (await em.findOne(User, { id: id as number })) as IUser | null;
  return user && user.active && user.sessionEpoch === epoch ? toPanelUser(user) : null;
}

/** Invites a user with a role; returns the temporary password to hand over once. */
export async function inviteUser(em: EntityManager, raw: unknown): Promise<{ user: PanelUser; password: string }> {
  const input = parseInput(InviteInput, raw);
  const password = temporaryPassword();
  const user = await createUser(em, { ...input, password });
  return { user, password };
}

/** Sets a new temporary password and ends every session of the user; returns the password to hand over once. */
export async function resetPassword(em: EntityManager, id: number): Promise<{ user: PanelUser; password: string }> {
  const user = (await em.findOne(User, { id })) as IUser | null;
  if (!user) throw new NotFoundError();
  const password = temporaryPassword();
  user.passwordHash = await hash(password);
  user.sessionEpoch += 1;
  user.failedLogins = 0;
  user.lockedUntil = null;
  await em.flush();
  return { user: toPanelUser(user), password };
}

/** Changes one's own password after checking the current one; other sessions of the user end. */
export async function changePassword(em: EntityManager, id: number, current: unknown, next: unknown): Promise<PanelUser> {
  const user = (await em.findOne(User, { id })) as IUser | null;
  if (!user) throw new NotFoundError();
  const currentOk = typeof current === 'string' && current !== '' && (await verify(user.passwordHash, current.slice(0, 200)).catch(() => false));
  if (!currentOk) throw new InvalidInputError([{ field: 'current', code: 'error.password.wrong' }]);
  const parsed = password.safeParse(next);
  if (!parsed.success) throw new InvalidInputError([{ field: 'password', code: messageKeyOf(parsed.error.issues[0]?.message ?? '', 'error.invalid') }]);
  user.passwordHash = await hash(parsed.data);
  user.sessionEpoch += 1;
  await em.flush();
  return toPanelUser(user);
}

/** Deactivates a user (never oneself, so an admin cannot lock the team out); their sessions end at once. */
export async function deactivateUser(em: EntityManager, id: number, byUserId: number): Promise<PanelUser> {
  if (id === byUserId) throw new InvalidInputError([{ field: 'user', code: 'error.user.self' }]);
  const user = (await em.findOne(User, { id })) as IUser | null;
  if (!user) throw new NotFoundError();
  user.active = false;
  user.sessionEpoch += 1;
  await em.flush();
  return toPanelUser(user);
}

export async function setUserLocale(em: EntityManager, id: number, raw: unknown): Promise<void> {
  const locale = parseInput(LocaleInput, raw);
  await em.nativeUpdate(User, { id }, { locale });
}
