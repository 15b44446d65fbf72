// Opens a modal right after the ack (a trigger id expires in 3 s). When Slack refuses (expired trigger, rate
// limit, outage) the user is told, with a button that opens the form again from a fresh trigger.
import type { FastifyBaseLogger } from 'fastify';
import type { types, webApi } from '@slack/bolt';
import { t, type Locale } from '../core/i18n/index.ts';
import { callSlack, replyEphemeral, type ReplyTarget } from './slack-calls.ts';
import type { Button } from './blocks.ts';

export interface OpenedView {
  id: string;
  hash: string;
}

export async function openModal(
  client: webApi.WebClient,
  log: FastifyBaseLogger,
  triggerId: string,
  view: types.ModalView,
  fallback: { target: ReplyTarget; locale: Locale; retry: Button },
): Promise<OpenedView | null> {
  const opened = await callSlack(log, 'views.open', () => client.views.open({ trigger_id: triggerId, view }));
  if (opened.ok && opened.value.view?.id) return { id: opened.value.view.id, hash: opened.value.view.hash ?? '' };
  const text = t(fallback.locale, 'bot.error.formNotOpened');
  await replyEphemeral(client, log, fallback.target, {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text }, accessory: fallback.retry }],
  });
  return null;
}

/** Replaces an open modal's content (after slow work); a failure is logged and the modal keeps what it showed. */
export async function updateModal(client: webApi.WebClient, log: FastifyBaseLogger, opened: OpenedView, view: types.ModalView): Promise<boolean> {
  const updated = await callSlack(log, 'views.update', () => client.views.update({ view_id: opened.id, hash: opened.hash || undefined, view }));
  return updated.ok;
}
