// /contact find|show|add|edit|help: acknowledged at once, then answered ephemerally (modals for add and edit).
import type { App } from '@slack/bolt';
import type { EntityManager } from '@mikro-orm/postgresql';
import { t } from '../../../core/i18n/index.ts';
import { searchContacts } from '../../../core/contacts/contact.search.ts';
import { findNameOwner, getContact } from '../../../core/contacts/contact.service.ts';
import { parseContactCommand } from '../../slash-text.ts';
import { COMMAND } from '../../slack-ids.ts';
import { begin, type ActingUser, type BotDeps } from '../../context.ts';
import { replyEphemeral, type EphemeralMessage } from '../../slack-calls.ts';
import { detailsMessage, escapeMrkdwn, helpMessage, searchResultsMessage, LIST_SIZE, textMessage } from '../../blocks.ts';
import { openAddForm, openEditForm } from '../../contact-forms.ts';
import { errorText } from '../../errors.ts';

/** Enough matches to say how many there are without counting them all (an exact count is never on this path). */
const COUNTED_MATCHES = 50;

export function registerContactCommand(app: App, deps: BotDeps): void {
  app.command(COMMAND, async ({ command, ack, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, command.user_id, command.user_name);
    const target = { user: user.id, responseUrl: command.response_url, channel: command.channel_id };
    const { subcommand, argument } = parseContactCommand(command.text);
    let message: EphemeralMessage | null;
    try {
      switch (subcommand) {
        case 'find':
          message = argument ? await find(deps, em, user, argument, /^\s*find(\s|$)/iu.test(command.text)) : helpMessage(user.locale);
          break;
        case 'show':
          message = argument ? await show(deps, em, user, argument) : helpMessage(user.locale);
          break;
        case 'add':
          await openAddForm(deps, client, em, user, command.trigger_id, target, argument);
          message = null;
          break;
        case 'edit': {
          const owner = argument ? await findNameOwner(em, argument) : null;
          if (owner) await openEditForm(deps, client, em, user, command.trigger_id, target, owner.id);
          message = owner ? null : argument ? await similar(deps, em, user, argument) : helpMessage(user.locale);
          break;
        }
        default:
          message = helpMessage(user.locale);
      }
    } catch (error) {
      message = textMessage(errorText(error, user.locale, deps.log));
    }
    if (message) await replyEphemeral(client, deps.log, target, message);
  });
}

/** A search; when the text was not an explicit `find` and nothing matches, the help follows (a mistyped subcommand). */
async function find(deps: BotDeps, em: EntityManager, user: ActingUser, query: string, explicit: boolean): Promise<EphemeralMessage> {
  const page = await searchContacts(em, { q: query, limit: COUNTED_MATCHES });
  if (page.items.length === 0 && !explicit) {
    return textMessage(`${t(user.locale, 'bot.find.none', { query: escapeMrkdwn(query) })}\n\n${t(user.locale, 'bot.help')}`);
  }
  return searchResultsMessage(query, page, user.locale, deps.config.publicUrl);
}

async function show(deps: BotDeps, em: EntityManager, user: ActingUser, name: string): Promise<EphemeralMessage> {
  const owner = await findNameOwner(em, name);
  if (!owner) return similar(deps, em, user, name);
  return detailsMessage(await getContact(em, owner.id), user.locale, deps.config.publicUrl);
}

/** No contact has exactly this name: the ones whose name or senders contain it. */
async function similar(deps: BotDeps, em: EntityManager, user: ActingUser, name: string): Promise<EphemeralMessage> {
  const page = await searchContacts(em, { q: name, limit: LIST_SIZE + 1 });
  const escaped = escapeMrkdwn(name);
  if (page.items.length === 0) return textMessage(t(user.locale, 'bot.show.notFound', { name: escaped }));
  return searchResultsMessage(name, page, user.locale, deps.config.publicUrl, t(user.locale, 'bot.show.similar', { name: escaped }));
}
