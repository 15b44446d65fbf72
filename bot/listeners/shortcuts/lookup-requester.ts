// "Look up requester" on a ticket message: the contact that owns the requester, or an offer to add it.
import type { App, MessageShortcut } from '@slack/bolt';
import { t } from '../../../core/i18n/index.ts';
import { findContactBySender } from '../../../core/contacts/contact.service.ts';
import { ACTION, SHORTCUT } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { enterRequesterValue, isFound, messageLink, readRequester, requesterButtonValue } from '../../requester-flow.ts';
import { replyEphemeral, type EphemeralMessage } from '../../slack-calls.ts';
import { button, contactMessage, escapeMrkdwn, senderLabel, textMessage } from '../../blocks.ts';
import { errorText } from '../../errors.ts';

export function registerLookupRequester(app: App, deps: BotDeps): void {
  app.shortcut<MessageShortcut>({ callback_id: SHORTCUT.lookupRequester, type: 'message_action' }, async ({ shortcut, ack, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, shortcut.user.id, shortcut.user.name);
    const { locale } = user;
    const target = { user: user.id, responseUrl: shortcut.response_url, channel: shortcut.channel.id };
    const sourceUrl = messageLink(shortcut);
    const requester = await readRequester(client, deps.log, shortcut.message);
    const withButton = (text: string, action: ReturnType<typeof button>): EphemeralMessage => ({
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text }, accessory: action }],
    });

    let message: EphemeralMessage;
    if (!isFound(requester)) {
      message = withButton(`${t(locale, 'error.requester.none')}. ${t(locale, 'bot.requester.noneHint')}`, button(t(locale, 'bot.button.enterRequester'), ACTION.enterRequester, enterRequesterValue(sourceUrl)));
    } else if (requester.kind === 'handle' && !requester.platform) {
      const handle = requester.value;
      message = withButton(t(locale, 'bot.lookup.handleWithoutPlatform', { handle: escapeMrkdwn(handle) }), button(t(locale, 'bot.button.addRequester'), ACTION.enterRequester, enterRequesterValue(sourceUrl, handle)));
    } else {
      const sender = escapeMrkdwn(senderLabel(requester));
      try {
        const contact = await findContactBySender(em, requester);
        message = contact
          ? contactMessage(t(locale, 'bot.lookup.found', { sender }), contact, locale, deps.config.publicUrl)
          : withButton(t(locale, 'bot.lookup.notContact', { sender }), button(t(locale, 'bot.button.addRequester'), ACTION.addRequester, requesterButtonValue(requester, sourceUrl)));
      } catch (error) {
        message = textMessage(errorText(error, locale, deps.log));
      }
    }
    await replyEphemeral(client, deps.log, target, message);
  });
}
