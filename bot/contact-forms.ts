// Opening the contact form: empty (add) or filled from a contact (edit). Used by the command and the buttons.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { webApi } from '@slack/bolt';
import { t } from '../core/i18n/index.ts';
import { getContact } from '../core/contacts/contact.service.ts';
import { listIntegrations } from '../core/integration.service.ts';
import type { ReplyTarget } from './slack-calls.ts';
import { button } from './blocks.ts';
import { contactModal, noticeModal, type ModalContext } from './modals.ts';
import { openModal, updateModal } from './open-modal.ts';
import { errorText } from './errors.ts';
import { ACTION } from './slack-ids.ts';
import type { ActingUser, BotDeps } from './context.ts';

function modalContext(user: ActingUser, target: ReplyTarget): ModalContext {
  return { locale: user.locale, responseUrl: target.responseUrl ?? null, channel: target.channel ?? null };
}

export async function openAddForm(deps: BotDeps, client: webApi.WebClient, em: EntityManager, user: ActingUser, triggerId: string, target: ReplyTarget, name = ''): Promise<void> {
  const integrations = await listIntegrations(em);
  const retry = button(t(user.locale, 'bot.button.openForm'), ACTION.add, name.slice(0, 2000));
  await openModal(client, deps.log, triggerId, contactModal({ context: modalContext(user, target), integrations, name }), { target, locale: user.locale, retry });
}

/** Opens a "Loading…" modal at once, then fills it: the trigger id would not survive the reads. */
export async function openEditForm(deps: BotDeps, client: webApi.WebClient, em: EntityManager, user: ActingUser, triggerId: string, target: ReplyTarget, contactId: number): Promise<void> {
  const { locale } = user;
  const retry = button(t(locale, 'bot.button.openForm'), ACTION.edit, String(contactId));
  const opened = await openModal(client, deps.log, triggerId, noticeModal(locale, t(locale, 'bot.modal.loading'), t(locale, 'bot.modal.editTitle')), { target, locale, retry });
  if (!opened) return;
  try {
    const contact = await getContact(em, contactId);
    const integrations = await listIntegrations(em);
    await updateModal(client, deps.log, opened, contactModal({ context: modalContext(user, target), integrations, contact }));
  } catch (error) {
    await updateModal(client, deps.log, opened, noticeModal(locale, errorText(error, locale, deps.log), t(locale, 'bot.modal.editTitle')));
  }
}

