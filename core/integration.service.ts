// Integration accounts: the team's connected accounts on each platform.
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { IntegrationAccount } from './entities/index.ts';
import { IntegrationInput, parseInput } from './contacts/contact.schemas.ts';
import { InUseError, InvalidInputError, NotFoundError } from './errors.ts';
import type { IntegrationView } from './contacts/contact.view.ts';

export async function listIntegrations(em: EntityManager): Promise<IntegrationView[]> {
  return em.getConnection().execute('select i.id, i.platform, i.label from integration_account i order by i.platform, i.label');
}

/** The accounts with how many contacts use each: for the admin page only, counting costs a scan per account. */
export async function listIntegrationsWithUsage(em: EntityManager): Promise<(IntegrationView & { contactCount: number })[]> {
  return em.getConnection().execute(
    `select i.id, i.platform, i.label, (select count(*) from contact_integration ci where ci.integration_account_id = i.id)::int as "contactCount"
       from integration_account i order by i.platform, i.label`,
  );
}

export async function createIntegration(em: EntityManager, raw: unknown): Promise<IntegrationView> {
  const input = parseInput(IntegrationInput, raw);
  try {
    const account = em.create(IntegrationAccount, input);
    await em.flush();
    return { id: account.id, platform: account.platform, label: account.label };
  } catch (error) {
    throw labelTaken(em, error);
  }
}

export async function renameIntegration(em: EntityManager, id: number, raw: unknown): Promise<IntegrationView> {
  const { label } = parseInput(IntegrationInput.pick({ label: true }), raw);
  const account = await em.findOne(IntegrationAccount, id);
  if (!account) throw new NotFoundError();
  account.label = label;
  try {
    await em.flush();
  } catch (error) {
    throw labelTaken(em, error);
  }
  return { id: account.id, platform: account.platform, label: account.label };
}

/** Removes an account no contact uses; one still in use is refused. */
export async function deleteIntegration(em: EntityManager, id: number): Promise<void> {
  const [row] = await em
    .getConnection()
    .execute<{ used: boolean }[]>('select exists (select 1 from contact_integration where integration_account_id = ?) as used', [id]);
  if (row?.used) throw new InUseError('error.integrationInUse');
  const deleted = await em.nativeDelete(IntegrationAccount, { id });
  if (deleted === 0) throw new NotFoundError();
}

function labelTaken(em: EntityManager, error: unknown): unknown {
  em.clear(); // the failed entity must not be flushed again by a later call on this EntityManager
  if (error instanceof UniqueConstraintViolationException) {
    return new InvalidInputError([{ field: 'label', code: 'error.label.taken' }]);
  }
  return error;
}
