// "Delete" on a detailed card; Slack asks for confirmation before the click arrives. The version on the button
// makes a delete based on a stale card fail with "changed meanwhile" instead of deleting newer data.
import type { App, BlockAction } from '@slack/bolt';
import { t } from '../../../core/i18n/index.ts';
import { deleteContact, getContact } from '../../../core/contacts/contact.service.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { ACTION } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { escapeMrkdwn, textMessage } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { errorText } from '../../errors.ts';
import { clickTarget, clickedValue } from './target.ts';

export function registerContactDelete(app: App, deps: BotDeps): void {
  app.action<BlockAction>(ACTION.delete, async ({ ack, body, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, body.user.id, body.user.name);
    let text;
    try {
      const [, id, version] = /^(\d{1,9}):(\d{1,9})$/u.exec(clickedValue(body)) ?? [];
      if (!id) throw new NotFoundError();
      const contact = await getContact(em, Number(id));
      await deleteContact(em, contact.id, user.actor, Number(version));
      text = t(user.locale, 'bot.deleted', { name: escapeMrkdwn(contact.name) });
    } catch (error) {
      text = errorText(error, user.locale, deps.log);
    }
    await replyEphemeral(client, deps.log, clickTarget(body), textMessage(text, { replaceOriginal: true }));
  });
}
