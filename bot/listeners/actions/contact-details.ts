// "Details" on a contact card: the full card (note, sources) with edit, open and delete.
import type { App, BlockAction } from '@slack/bolt';
import { getContact } from '../../../core/contacts/contact.service.ts';
import { NotFoundError } from '../../../core/errors.ts';
import { parseId } from '../../../core/ids.ts';
import { ACTION } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { detailsMessage, textMessage } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { errorText } from '../../errors.ts';
import { clickTarget, clickedValue } from './target.ts';

export function registerContactDetails(app: App, deps: BotDeps): void {
  app.action<BlockAction>(ACTION.details, async ({ ack, body, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, body.user.id, body.user.name);
    let message;
    try {
      const id = parseId(clickedValue(body));
      if (!id) throw new NotFoundError();
      message = detailsMessage(await getContact(em, id), user.locale, deps.config.publicUrl);
    } catch (error) {
      message = textMessage(errorText(error, user.locale, deps.log));
    }
    await replyEphemeral(client, deps.log, clickTarget(body), message);
  });
}
