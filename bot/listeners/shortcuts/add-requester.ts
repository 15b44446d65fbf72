// "Add requester to contacts" on a ticket message: quick-add the requester at once (spec §4); a form when the
// message names no one, or names a nick without its platform.
import type { App, MessageShortcut } from '@slack/bolt';
import { SHORTCUT } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { isFound, messageLink, openRequesterForm, quickAddAndAnswer, readRequester } from '../../requester-flow.ts';

export function registerAddRequester(app: App, deps: BotDeps): void {
  app.shortcut<MessageShortcut>({ callback_id: SHORTCUT.addRequester, type: 'message_action' }, async ({ shortcut, ack, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, shortcut.user.id, shortcut.user.name);
    const target = { user: user.id, responseUrl: shortcut.response_url, channel: shortcut.channel.id };
    const sourceUrl = messageLink(shortcut);
    const requester = await readRequester(client, deps.log, shortcut.message);
    if (!isFound(requester)) return openRequesterForm(deps, client, user, shortcut.trigger_id, target, sourceUrl);
    if (requester.kind === 'handle' && !requester.platform) {
      return openRequesterForm(deps, client, user, shortcut.trigger_id, target, sourceUrl, requester.value);
    }
    await quickAddAndAnswer(deps, client, em, user, requester, sourceUrl, target);
  });
}
