// Block Kit messages: contact cards and lists, help, and one-line answers. Everything a user typed is escaped.
import type { types } from '@slack/bolt';
import { t, type Locale } from '../core/i18n/index.ts';
import { countryName, languageName } from '../core/regions.ts';
import { platformName } from '../core/platforms.ts';
import type { ContactView, SenderView } from '../core/contacts/contact.view.ts';
import type { SearchPage } from '../core/contacts/contact.search.ts';
import { ACTION } from './slack-ids.ts';
import type { EphemeralMessage } from './slack-calls.ts';

type Block = types.KnownBlock;
export type Button = types.Button;

/** Slack's mrkdwn treats only these three as markup; escaping them keeps `<!channel>` and links out of names. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const plain = (text: string, max = 75): types.PlainTextElement => ({ type: 'plain_text', text: clip(text, max), emoji: true });

export function senderLabel(sender: { kind: string; value: string; platform?: string | null }): string {
  return sender.kind === 'handle' && sender.platform ? `${sender.value} (${platformName(sender.platform)})` : sender.value;
}

/** A Slack message link as a sender's source, only when it is a plain http(s) URL that cannot break the markup. */
function sourceLink(sender: SenderView, locale: Locale): string {
  return sender.sourceUrl && /^https?:\/\/[^\s<>|]+$/u.test(sender.sourceUrl) ? ` — ${t(locale, 'bot.card.source', { url: sender.sourceUrl })}` : '';
}

export function contactUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/contacts/${id}`;
}

/** A button; an empty value is left out, as Slack refuses one. */
export function button(text: string, actionId: string, value: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', text: plain(text), action_id: actionId, ...(value ? { value } : {}), ...extra };
}

export function openInPanelButton(locale: Locale, publicUrl: string, id: number): Button {
  return { type: 'button', text: plain(t(locale, 'bot.button.open')), action_id: ACTION.openInPanel, url: contactUrl(publicUrl, id), value: String(id) };
}

function deleteButton(locale: Locale, contact: ContactView): Button {
  return button(t(locale, 'bot.button.delete'), ACTION.delete, `${contact.id}:${contact.version}`, {
    style: 'danger',
    confirm: {
      title: plain(t(locale, 'bot.delete.confirmTitle'), 100),
      text: { type: 'plain_text', text: clip(t(locale, 'bot.delete.confirmText', { name: contact.name }), 300) },
      confirm: plain(t(locale, 'bot.delete.confirmYes'), 30),
      deny: plain(t(locale, 'bot.delete.confirmNo'), 30),
      style: 'danger',
    },
  });
}

function addedLine(contact: ContactView, locale: Locale): string {
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(contact.createdAt));
  return t(locale, 'bot.card.added', { date, who: contact.createdByName, channel: t(locale, `channel.${contact.createdVia}`) });
}

function field(label: string, value: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text: clip(`*${label}*\n${value}`, 2000) };
}

/**
 * One contact: name, senders, country, language, integrations, added; with details, edit and open-in-panel
 * buttons. The detailed card adds the note and each sender's source, and offers delete instead of details.
 */
export function contactBlocks(contact: ContactView, locale: Locale, publicUrl: string, detailed = false): Block[] {
  const none = t(locale, 'bot.card.none');
  const senders = contact.senders.length
    ? contact.senders.map((s) => `• ${escapeMrkdwn(senderLabel(s))}${detailed ? sourceLink(s, locale) : ''}`).join('\n')
    : none;
  const integrations = contact.integrations.length
    ? contact.integrations.map((i) => escapeMrkdwn(`${platformName(i.platform)} — ${i.label}`)).join('\n')
    : none;
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(contact.name)}*` } },
    {
      type: 'section',
      fields: [
        field(t(locale, 'field.senders'), senders),
        field(t(locale, 'field.integrations'), integrations),
        field(t(locale, 'field.country'), contact.country ? countryName(contact.country, locale) : none),
        field(t(locale, 'field.language'), contact.language ? languageName(contact.language, locale) : none),
        field(t(locale, 'field.added'), escapeMrkdwn(addedLine(contact, locale))),
      ],
    },
  ];
  if (detailed && contact.note) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*${t(locale, 'bot.card.note')}*\n${escapeMrkdwn(contact.note)}`, 3000) } });
  }
  const id = String(contact.id);
  blocks.push({
    type: 'actions',
    elements: detailed
      ? [button(t(locale, 'bot.button.edit'), ACTION.edit, id), openInPanelButton(locale, publicUrl, contact.id), deleteButton(locale, contact)]
      : [button(t(locale, 'bot.button.details'), ACTION.details, id), button(t(locale, 'bot.button.edit'), ACTION.edit, id), openInPanelButton(locale, publicUrl, contact.id)],
  });
  return blocks;
}

export function textMessage(text: string, extra: Partial<EphemeralMessage> = {}): EphemeralMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }], ...extra };
}

/** A line of text above one contact card. */
export function contactMessage(intro: string, contact: ContactView, locale: Locale, publicUrl: string, detailed = false): EphemeralMessage {
  return {
    text: `${intro} ${escapeMrkdwn(contact.name)}`,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(intro, 3000) } }, ...contactBlocks(contact, locale, publicUrl, detailed)],
  };
}

export function detailsMessage(contact: ContactView, locale: Locale, publicUrl: string): EphemeralMessage {
  return { text: escapeMrkdwn(contact.name), blocks: contactBlocks(contact, locale, publicUrl, true) };
}

/** How many cards a list shows before it links to the panel instead. */
export const LIST_SIZE = 5;

/** Search results: up to LIST_SIZE cards; past that, how many matched and a link to the panel's filtered list. */
export function searchResultsMessage(query: string, page: SearchPage, locale: Locale, publicUrl: string, intro?: string): EphemeralMessage {
  const q = escapeMrkdwn(query);
  if (page.items.length === 0) return textMessage(intro ?? t(locale, 'bot.find.none', { query: q }));
  const shown = page.items.slice(0, LIST_SIZE);
  const blocks: Block[] = [];
  const more = page.items.length > LIST_SIZE || page.nextCursor !== null;
  if (intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  if (more) {
    const key = page.nextCursor || page.capped ? 'bot.find.countMore' : 'bot.find.count';
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: t(locale, key, { count: page.items.length, query: q, shown: shown.length }) },
      accessory: { type: 'button', text: plain(t(locale, 'bot.find.openList')), action_id: ACTION.openList, url: `${publicUrl}/contacts?q=${encodeURIComponent(query)}` },
    });
  }
  for (const contact of shown) blocks.push({ type: 'divider' }, ...contactBlocks(contact, locale, publicUrl));
  return { text: shown.map((c) => escapeMrkdwn(c.name)).join(', '), blocks };
}

export function helpMessage(locale: Locale): EphemeralMessage {
  return textMessage(t(locale, 'bot.help'));
}
