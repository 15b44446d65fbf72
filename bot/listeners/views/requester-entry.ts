// Submission of the requester form: a typed requester, quick-added like one read from the message.
import type { App } from '@slack/bolt';
import { t } from '../../../core/i18n/index.ts';
import { actor } from '../../../core/actor.ts';
import { quickAddRequester } from '../../../core/contacts/quick-add.ts';
import { VIEW } from '../../slack-ids.ts';
import type { BotDeps } from '../../context.ts';
import { decodeContext, readRequesterForm, requesterFormErrors } from '../../modals.ts';
import { contactMessage, escapeMrkdwn, senderLabel } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { answerWithErrors, submitter } from './answer.ts';

export function registerRequesterEntry(app: App, deps: BotDeps): void {
  app.view(VIEW.requesterEntry, async ({ ack, body, view, client, context }) => {
    const modal = decodeContext(view.private_metadata, deps.config.DEFAULT_LOCALE);
    const { locale } = modal;
    const form = readRequesterForm(view.state, locale);
    if (!form.ok) return answerWithErrors(deps, context, ack, form.errors);
    const who = submitter(deps, body.user);
    let created;
    try {
      created = await quickAddRequester(deps.orm.em.fork(), form.requester, actor('slack', who.id, who.name), { url: modal.sourceUrl });
    } catch (error) {
      const errors = requesterFormErrors(error, locale, form.block);
      if (!errors) deps.log.error({ err: error }, 'adding a typed requester from Slack failed');
      return answerWithErrors(deps, context, ack, errors ?? { [form.block]: t(locale, 'bot.error.generic') });
    }
    await ack();
    const { contact } = created;
    const intro = t(locale, 'bot.quickAdd.created', { name: escapeMrkdwn(contact.name), sender: escapeMrkdwn(senderLabel(contact.senders[0] ?? form.requester)) });
    await replyEphemeral(client, deps.log, { user: who.id, responseUrl: modal.responseUrl, channel: modal.channel }, contactMessage(intro, contact, locale, deps.config.publicUrl));
  });
}
