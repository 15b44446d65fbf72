// From a ticket message to a contact: read the requester (fetching truncated e-mail files), quick-add it or look
// it up, and answer the agent. Shared by both shortcuts, the requester modal and the buttons that follow them.
import type { FastifyBaseLogger } from 'fastify';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { webApi } from '@slack/bolt';
import { t } from '../core/i18n/index.ts';
import { quickAddRequester } from '../core/contacts/quick-add.ts';
import { InvalidInputError, SenderTakenError } from '../core/errors.ts';
import { extractRequester, emailFilesMissingContent, type Requester, type SlackMessage } from './requester-extraction.ts';
import { callSlack, replyEphemeral, type EphemeralMessage, type ReplyTarget } from './slack-calls.ts';
import { button, contactMessage, escapeMrkdwn, openInPanelButton, senderLabel, textMessage } from './blocks.ts';
import { errorText } from './errors.ts';
import { requesterModal } from './modals.ts';
import { openModal } from './open-modal.ts';
import { ACTION } from './slack-ids.ts';
import type { ActingUser, BotDeps } from './context.ts';

/** A message never carries many e-mail files; this bounds the files.info calls one click can cause. */
const MAX_FILES_FETCHED = 5;

/** The requester of a message; e-mail files Slack sent truncated are fetched with files.info first. */
export async function readRequester(client: webApi.WebClient, log: FastifyBaseLogger, message: SlackMessage): Promise<Requester> {
  const missing = emailFilesMissingContent(message).slice(0, MAX_FILES_FETCHED);
  if (missing.length === 0) return extractRequester(message);
  const fetched = new Map<string, unknown>();
  await Promise.all(
    missing.map(async (id) => {
      const info = await callSlack(log, 'files.info', () => client.files.info({ file: id }));
      if (info.ok && info.value.file) fetched.set(id, info.value.file);
    }),
  );
  const files = Array.isArray(message.files) ? message.files.map((file) => fetched.get((file as { id?: string })?.id ?? '') ?? file) : message.files;
  return extractRequester({ ...message, files });
}

/** The link to a message, recorded as the source of a sender created from it; null when the payload lacks a part. */
export function messageLink(body: { team?: { domain?: unknown } | null; channel?: { id?: unknown }; message?: { ts?: unknown } }): string | null {
  const domain = body.team?.domain;
  const channel = body.channel?.id;
  const ts = body.message?.ts;
  if (typeof domain !== 'string' || !/^[a-z0-9-]{1,100}$/iu.test(domain)) return null;
  if (typeof channel !== 'string' || !/^[A-Z0-9]{1,30}$/u.test(channel)) return null;
  if (typeof ts !== 'string' || !/^\d{1,12}\.\d{1,8}$/u.test(ts)) return null;
  return `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

export type FoundRequester = Requester & { kind: 'email' | 'phone' | 'handle'; value: string };

export function isFound(requester: Requester): requester is FoundRequester {
  return requester.kind !== 'none' && typeof requester.value === 'string';
}

/** What a button carries to act on a requester later (Slack caps a button value at 2,000 characters). */
export function requesterButtonValue(requester: FoundRequester, sourceUrl: string | null): string {
  return JSON.stringify({ r: { kind: requester.kind, value: requester.value, displayName: requester.displayName, platform: requester.platform }, s: sourceUrl }).slice(0, 2000);
}

export function readRequesterButtonValue(value: unknown): { requester: FoundRequester; sourceUrl: string | null } | null {
  try {
    const parsed = JSON.parse(String(value)) as { r?: FoundRequester; s?: unknown };
    if (!parsed.r || typeof parsed.r.value !== 'string') return null;
    return { requester: parsed.r, sourceUrl: typeof parsed.s === 'string' ? parsed.s : null };
  } catch {
    return null;
  }
}

/** Quick-adds a requester (spec §4) and says what happened: created, or already owned by whom. */
export async function quickAddAndAnswer(deps: BotDeps, client: webApi.WebClient, em: EntityManager, user: ActingUser, requester: FoundRequester, sourceUrl: string | null, target: ReplyTarget): Promise<void> {
  await replyEphemeral(client, deps.log, target, await quickAdd(deps, em, user, requester, sourceUrl));
}

async function quickAdd(deps: BotDeps, em: EntityManager, user: ActingUser, requester: FoundRequester, sourceUrl: string | null): Promise<EphemeralMessage> {
  const { locale } = user;
  const { publicUrl } = deps.config;
  const sender = escapeMrkdwn(senderLabel(requester));
  try {
    const { contact } = await quickAddRequester(em, requester, user.actor, { url: sourceUrl });
    return contactMessage(t(locale, 'bot.quickAdd.created', { name: escapeMrkdwn(contact.name), sender }), contact, locale, publicUrl);
  } catch (error) {
    if (error instanceof InvalidInputError) {
      // The message held something that looked like a requester but is not valid (a malformed number): let the agent type it.
      const text = errorText(error, locale, deps.log);
      return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text }, accessory: button(t(locale, 'bot.button.enterRequester'), ACTION.enterRequester, enterRequesterValue(sourceUrl)) }] };
    }
    if (!(error instanceof SenderTakenError)) return textMessage(errorText(error, locale, deps.log));
    const text = t(locale, 'bot.quickAdd.owned', { sender, owner: escapeMrkdwn(error.owner.name) });
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', elements: [openInPanelButton(locale, publicUrl, error.owner.id), button(t(locale, 'bot.button.details'), ACTION.details, String(error.owner.id))] },
      ],
    };
  }
}

/** What the "type the requester" button carries: the message link, and the nick whose platform is missing. */
export function enterRequesterValue(sourceUrl: string | null, handle?: string): string {
  return JSON.stringify({ s: sourceUrl, h: handle ?? null }).slice(0, 2000);
}

export function readEnterRequesterValue(value: unknown): { sourceUrl: string | null; handle: string | null } {
  try {
    const parsed = JSON.parse(String(value)) as { s?: unknown; h?: unknown };
    return { sourceUrl: typeof parsed.s === 'string' ? parsed.s : null, handle: typeof parsed.h === 'string' ? parsed.h : null };
  } catch {
    return { sourceUrl: null, handle: null };
  }
}

/** The requester form: blank when the message named no one, or asking the platform of a nick. */
export async function openRequesterForm(deps: BotDeps, client: webApi.WebClient, user: ActingUser, triggerId: string, target: ReplyTarget, sourceUrl: string | null, handle?: string): Promise<void> {
  const { locale } = user;
  const context = { locale, responseUrl: target.responseUrl ?? null, channel: target.channel ?? null, sourceUrl };
  const retry = button(t(locale, 'bot.button.openForm'), ACTION.enterRequester, enterRequesterValue(sourceUrl, handle));
  await openModal(client, deps.log, triggerId, requesterModal(context, handle), { target, locale, retry });
}
