// Submission of the contact form (add and edit): the same schemas as the panel; errors next to their field.
import type { App, SlackViewMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { t } from '../../../core/i18n/index.ts';
import { actor } from '../../../core/actor.ts';
import { createContact, updateContact } from '../../../core/contacts/contact.service.ts';
import { VIEW, CONTACT_BLOCK } from '../../slack-ids.ts';
import type { BotDeps } from '../../context.ts';
import { contactFormErrors, decodeContext, readContactForm } from '../../modals.ts';
import { contactMessage, escapeMrkdwn } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { answerWithErrors, submitter } from './answer.ts';

export function registerContactForm(app: App, deps: BotDeps): void {
  const submit = async ({ ack, body, view, client, context }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const modal = decodeContext(view.private_metadata, deps.config.DEFAULT_LOCALE);
    const { locale } = modal;
    const who = submitter(deps, body.user);
    const by = actor('slack', who.id, who.name);
    const form = readContactForm(view.state);
    const em = deps.orm.em.fork();
    let contact;
    try {
      contact = modal.contactId
        ? await updateContact(em, modal.contactId, { ...form.raw, version: modal.version }, by)
        : await createContact(em, form.raw, by);
    } catch (error) {
      const errors = contactFormErrors(error, locale, form.senderLines);
      if (!errors) deps.log.error({ err: error }, 'saving a contact from Slack failed');
      return answerWithErrors(deps, context, ack, errors ?? { [CONTACT_BLOCK.name]: t(locale, 'bot.error.generic') });
    }
    await ack();
    const intro = t(locale, modal.contactId ? 'bot.saved.updated' : 'bot.saved.created', { name: escapeMrkdwn(contact.name) });
    await replyEphemeral(client, deps.log, { user: who.id, responseUrl: modal.responseUrl, channel: modal.channel }, contactMessage(intro, contact, locale, deps.config.publicUrl));
  };
  app.view(VIEW.contactAdd, submit);
  app.view(VIEW.contactEdit, submit);
}
