// "Edit" on a contact card, and "Open the form" after Slack failed to open one: the contact form.
import type { App, BlockAction } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.ts';
import { parseId } from '../../../core/ids.ts';
import { ACTION } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { openAddForm, openEditForm } from '../../contact-forms.ts';
import { textMessage } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { errorText } from '../../errors.ts';
import { clickTarget, clickedValue } from './target.ts';

export function registerContactForms(app: App, deps: BotDeps): void {
  app.action<BlockAction>(ACTION.edit, async ({ ack, body, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, body.user.id, body.user.name);
    const id = parseId(clickedValue(body));
    if (id) return openEditForm(deps, client, em, user, body.trigger_id, clickTarget(body), id);
    await replyEphemeral(client, deps.log, clickTarget(body), textMessage(errorText(new NotFoundError(), user.locale, deps.log)));
  });

  app.action<BlockAction>(ACTION.add, async ({ ack, body, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, body.user.id, body.user.name);
    await openAddForm(deps, client, em, user, body.trigger_id, clickTarget(body), clickedValue(body));
  });
}
