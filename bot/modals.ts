// Modals: the contact form (add and edit), the requester form, and a notice. Each input's block_id is the field
// it fills, so a domain error maps onto the field it is about: `response_action: "errors"` keyed by block_id.
import type { types, ViewOutput } from '@slack/bolt';
import { t, type Locale } from '../core/i18n/index.ts';
import { countryOptions, languageOptions, countryName, languageName } from '../core/regions.ts';
import { platformName } from '../core/platforms.ts';
import { MAX_NAME_LENGTH } from '../core/contacts/contact.schemas.ts';
import type { SenderInput } from '../core/contacts/contact.schemas.ts';
import type { ContactView, IntegrationView } from '../core/contacts/contact.view.ts';
import { InvalidInputError, NameTakenError, NotFoundError, SenderTakenError, StaleVersionError, type FieldIssue } from '../core/errors.ts';
import { CONTACT_BLOCK, INPUT_ACTION, REQUESTER_BLOCK, VIEW, type ContactBlock, type RequesterBlock } from './slack-ids.ts';

type Block = types.KnownBlock;
type ModalView = types.ModalView;
type Option = types.PlainTextOption;
type ViewState = ViewOutput['state'];

/** Slack's ceiling for a plain-text input; a longer note can only be edited in the panel. */
const SLACK_INPUT_MAX = 3000;
const OPTIONS_PER_GROUP = 100; // Slack's limit per select, and per option group

const plain = (text: string, max = 75): types.PlainTextElement => ({ type: 'plain_text', text: text.length > max ? `${text.slice(0, max - 1)}…` : text, emoji: true });

// ---------------------------------------------------------------------------------------------------------
// What a modal carries between opening and submission (private_metadata, returned by Slack as we set it)

export interface ModalContext {
  locale: Locale;
  /** Where the answer to the submission goes: the opener's response URL, else its channel. */
  responseUrl?: string | null;
  channel?: string | null;
  /** The contact being edited, at the version the form was filled from. */
  contactId?: number;
  version?: number;
  /** The Slack message a typed requester came from. */
  sourceUrl?: string | null;
}

export function encodeContext(context: ModalContext): string {
  return JSON.stringify(context);
}

export function decodeContext(raw: unknown, fallbackLocale: Locale): ModalContext {
  try {
    const parsed = JSON.parse(String(raw ?? '')) as Partial<ModalContext>;
    return {
      locale: parsed.locale === 'pl' || parsed.locale === 'en' ? parsed.locale : fallbackLocale,
      responseUrl: typeof parsed.responseUrl === 'string' ? parsed.responseUrl : null,
      channel: typeof parsed.channel === 'string' ? parsed.channel : null,
      contactId: Number.isSafeInteger(parsed.contactId) ? parsed.contactId : undefined,
      version: Number.isSafeInteger(parsed.version) ? parsed.version : undefined,
      sourceUrl: typeof parsed.sourceUrl === 'string' ? parsed.sourceUrl : null,
    };
  } catch {
    return { locale: fallbackLocale };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks

function textInput(blockId: string, label: string, options: { initial?: string | null; multiline?: boolean; optional?: boolean; max?: number; hint?: string; placeholder?: string } = {}): Block {
  return {
    type: 'input',
    block_id: blockId,
    optional: options.optional ?? false,
    label: plain(label, 2000),
    ...(options.hint ? { hint: plain(options.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: options.multiline ?? false,
      max_length: options.max ?? SLACK_INPUT_MAX,
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
    },
  };
}

function option(value: string, text: string): Option {
  return { text: plain(text), value };
}

/** Options in groups of at most 100 (Slack's limit), each group named after its first and last initial. */
function optionSet(options: Option[]): { options: Option[] } | { option_groups: { label: types.PlainTextElement; options: Option[] }[] } {
  if (options.length <= OPTIONS_PER_GROUP) return { options };
  const groups = [];
  for (let i = 0; i < options.length; i += OPTIONS_PER_GROUP) {
    const slice = options.slice(i, i + OPTIONS_PER_GROUP);
    const initial = (o: Option) => o.text.text.charAt(0).toUpperCase();
    groups.push({ label: plain(`${initial(slice[0])}–${initial(slice[slice.length - 1])}`), options: slice });
  }
  return { option_groups: groups };
}

function selectInput(blockId: string, label: string, locale: Locale, options: Option[], initial: Option | null): Block {
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label, 2000),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      placeholder: plain(t(locale, 'bot.modal.choose'), 150),
      ...optionSet(options),
      ...(initial ? { initial_option: initial } : {}),
    } as types.StaticSelect,
  };
}

function integrationLabel(i: IntegrationView): string {
  return `${platformName(i.platform)} — ${i.label}`;
}

/** A sender as one line of the senders box: "jan@x.pl", "+48 600 123 456", "janek (allegro)". */
function senderLine(sender: { kind: string; value: string; platform?: string | null }): string {
  return sender.kind === 'handle' && sender.platform ? `${sender.value} (${sender.platform})` : sender.value;
}

// ---------------------------------------------------------------------------------------------------------
// The contact form

export interface ContactFormOptions {
  context: ModalContext;
  integrations: IntegrationView[];
  /** The contact to edit; absent for a new one. */
  contact?: ContactView;
  /** A name to start a new contact with (`/contact add Jan Kowalski`). */
  name?: string;
}

export function contactModal({ context, integrations, contact, name }: ContactFormOptions): ModalView {
  const { locale } = context;
  const countries = countryOptions(locale).map((c) => option(c.code, c.name));
  const languages = languageOptions(locale).map((l) => option(l.code, l.name));
  const blocks: Block[] = [
    textInput(CONTACT_BLOCK.name, t(locale, 'field.name'), { initial: contact?.name ?? name?.slice(0, MAX_NAME_LENGTH), max: MAX_NAME_LENGTH }),
    selectInput(CONTACT_BLOCK.country, t(locale, 'field.country'), locale, countries, contact?.country ? option(contact.country, countryName(contact.country, locale)) : null),
    selectInput(CONTACT_BLOCK.language, t(locale, 'field.language'), locale, languages, contact?.language ? option(contact.language, languageName(contact.language, locale)) : null),
  ];
  const senderLines = contact?.senders.map(senderLine).join('\n') ?? '';
  if (senderLines.length > SLACK_INPUT_MAX) {
    blocks.splice(1, 0, { type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'bot.modal.sendersPanelOnly') }] });
  } else {
    const hint = t(locale, 'bot.modal.sendersHint');
    blocks.splice(1, 0, textInput(CONTACT_BLOCK.senders, t(locale, 'field.senders'), { initial: senderLines, multiline: true, optional: true, hint }));
  }
  if (integrations.length > 0) {
    const chosen = contact?.integrations.map((i) => option(String(i.id), integrationLabel(i))) ?? [];
    blocks.push({
      type: 'input',
      block_id: CONTACT_BLOCK.integrations,
      optional: true,
      label: plain(t(locale, 'field.integrations'), 2000),
      element: {
        type: 'multi_static_select',
        action_id: INPUT_ACTION,
        placeholder: plain(t(locale, 'bot.modal.choose'), 150),
        ...optionSet(integrations.map((i) => option(String(i.id), integrationLabel(i)))),
        ...(chosen.length ? { initial_options: chosen } : {}),
      } as types.MultiStaticSelect,
    });
  }
  if (contact?.note && contact.note.length > SLACK_INPUT_MAX) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: t(locale, 'bot.modal.notePanelOnly') }] });
  } else {
    blocks.push(textInput(CONTACT_BLOCK.note, t(locale, 'field.note'), { initial: contact?.note, multiline: true, optional: true }));
  }
  return {
    type: 'modal',
    callback_id: contact ? VIEW.contactEdit : VIEW.contactAdd,
    private_metadata: encodeContext(contact ? { ...context, contactId: contact.id, version: contact.version } : context),
    title: plain(t(locale, contact ? 'bot.modal.editTitle' : 'bot.modal.addTitle'), 24),
    submit: plain(t(locale, 'bot.modal.save'), 24),
    close: plain(t(locale, 'bot.modal.cancel'), 24),
    blocks,
  };
}

function stateValue(state: ViewState | undefined, blockId: string) {
  return state?.values?.[blockId]?.[INPUT_ACTION];
}

function textOf(state: ViewState | undefined, blockId: string): string {
  const value = stateValue(state, blockId)?.value;
  return typeof value === 'string' ? value : '';
}

const PHONE_LINE = /^\+?[\d\s().\-/]+$/u;
const HANDLE_WITH_PLATFORM = /^(.+?)\s*\(\s*([^()]+?)\s*\)$/u;

/** Reads one line of the senders box; the core validates and normalises it. */
function senderFromLine(line: string): SenderInput {
  if (/^\S+@\S+$/u.test(line)) return { kind: 'email', value: line };
  if (PHONE_LINE.test(line) && /\d/u.test(line)) return { kind: 'phone', value: line };
  const handle = HANDLE_WITH_PLATFORM.exec(line);
  return handle ? { kind: 'handle', value: handle[1], platform: handle[2] } : { kind: 'handle', value: line, platform: null };
}

export interface ContactFormInput {
  raw: { name: string; senders?: SenderInput[]; country: string | null; language: string | null; integrations: number[]; note?: string | null };
  /** The line of the senders box each sender came from (1-based), to point errors at it. */
  senderLines: number[];
}

/** The submitted form as the core's ContactInput; senders and note are left out when the form did not show them. */
export function readContactForm(state: ViewState | undefined): ContactFormInput {
  const senders: SenderInput[] = [];
  const senderLines: number[] = [];
  textOf(state, CONTACT_BLOCK.senders)
    .split(/\r?\n/u)
    .forEach((line, index) => {
      const trimmed = line.trim();
      if (!trimmed) return;
      senders.push(senderFromLine(trimmed));
      senderLines.push(index + 1);
    });
  const selected = (blockId: string) => stateValue(state, blockId)?.selected_option?.value ?? null;
  const integrations = (stateValue(state, CONTACT_BLOCK.integrations)?.selected_options ?? []).map((o) => Number(o.value));
  const raw: ContactFormInput['raw'] = {
    name: textOf(state, CONTACT_BLOCK.name),
    country: selected(CONTACT_BLOCK.country),
    language: selected(CONTACT_BLOCK.language),
    integrations,
  };
  if (state?.values?.[CONTACT_BLOCK.senders]) raw.senders = senders;
  if (state?.values?.[CONTACT_BLOCK.note]) raw.note = textOf(state, CONTACT_BLOCK.note);
  return { raw, senderLines };
}

const CONTACT_BLOCKS = new Set<string>(Object.values(CONTACT_BLOCK));

/**
 * Field errors for the contact form, keyed by block_id; null when the error is not about the input (the caller
 * logs it and says something went wrong). A sender's problem names its line; a taken sender names the owner.
 */
export function contactFormErrors(error: unknown, locale: Locale, senderLines: number[]): Record<string, string> | null {
  const errors: Partial<Record<ContactBlock, string[]>> = {};
  const add = (field: string, message: string) => {
    const [top, index] = field.split('.');
    const block = (CONTACT_BLOCKS.has(top) ? top : CONTACT_BLOCK.name) as ContactBlock;
    const line = top === CONTACT_BLOCK.senders && index !== undefined ? senderLines[Number(index)] : undefined;
    (errors[block] ??= []).push(line ? t(locale, 'bot.modal.line', { line, message }) : message);
  };
  if (error instanceof InvalidInputError) for (const issue of error.issues) add(issue.field, t(locale, issue.code, issue.params));
  else if (error instanceof SenderTakenError) add(error.field ?? CONTACT_BLOCK.senders, t(locale, error.code, error.params));
  else if (error instanceof NameTakenError || error instanceof StaleVersionError || error instanceof NotFoundError) add(CONTACT_BLOCK.name, t(locale, error.code, error.params));
  else return null;
  return Object.fromEntries(Object.entries(errors).map(([block, messages]) => [block, messages.slice(0, 3).join('\n')]));
}

// ---------------------------------------------------------------------------------------------------------
// The requester form: a ticket's customer typed by hand, or the platform of a nick the message did not name

export function requesterModal(context: ModalContext, askPlatformOf?: string): ModalView {
  const { locale } = context;
  const blocks: Block[] = askPlatformOf
    ? [
        { type: 'section', text: { type: 'plain_text', text: t(locale, 'bot.modal.platformQuestion', { handle: askPlatformOf }).slice(0, 3000) } },
        textInput(REQUESTER_BLOCK.handle, t(locale, 'kind.handle'), { initial: askPlatformOf, max: 200 }),
        textInput(REQUESTER_BLOCK.platform, t(locale, 'field.platform'), { hint: t(locale, 'bot.modal.platformHint'), max: 40 }),
      ]
    : [
        { type: 'context', elements: [{ type: 'mrkdwn', text: `${t(locale, 'error.requester.none')}. ${t(locale, 'bot.modal.requesterHint')}` }] },
        textInput(REQUESTER_BLOCK.displayName, t(locale, 'bot.modal.displayName'), { optional: true, max: MAX_NAME_LENGTH }),
        textInput(REQUESTER_BLOCK.email, t(locale, 'kind.email'), { optional: true, max: 254 }),
        textInput(REQUESTER_BLOCK.phone, t(locale, 'kind.phone'), { optional: true, max: 40 }),
        textInput(REQUESTER_BLOCK.handle, t(locale, 'kind.handle'), { optional: true, max: 200 }),
        textInput(REQUESTER_BLOCK.platform, t(locale, 'field.platform'), { optional: true, hint: t(locale, 'bot.modal.platformHint'), max: 40 }),
      ];
  return {
    type: 'modal',
    callback_id: VIEW.requesterEntry,
    private_metadata: encodeContext(context),
    title: plain(t(locale, askPlatformOf ? 'bot.modal.platformTitle' : 'bot.modal.requesterTitle'), 24),
    submit: plain(t(locale, 'bot.modal.add'), 24),
    close: plain(t(locale, 'bot.modal.cancel'), 24),
    blocks,
  };
}

const KIND_BLOCKS = [
  ['email', REQUESTER_BLOCK.email],
  ['phone', REQUESTER_BLOCK.phone],
  ['handle', REQUESTER_BLOCK.handle],
] as const;

export type RequesterFormResult =
  | { ok: true; requester: { kind: 'email' | 'phone' | 'handle'; value: string; displayName: string | null; platform: string | null }; block: RequesterBlock }
  | { ok: false; errors: Record<string, string> };

/** The typed requester: exactly one of e-mail, phone or nick. */
export function readRequesterForm(state: ViewState | undefined, locale: Locale): RequesterFormResult {
  const filled = KIND_BLOCKS.filter(([, block]) => textOf(state, block).trim() !== '');
  if (filled.length === 0) return { ok: false, errors: { [REQUESTER_BLOCK.email]: t(locale, 'bot.requester.missing') } };
  if (filled.length > 1) return { ok: false, errors: { [filled[1][1]]: t(locale, 'bot.requester.onlyOne') } };
  const [kind, block] = filled[0];
  const platform = textOf(state, REQUESTER_BLOCK.platform).trim();
  const displayName = textOf(state, REQUESTER_BLOCK.displayName).trim();
  return {
    ok: true,
    block,
    requester: { kind, value: textOf(state, block).trim(), displayName: displayName || null, platform: kind === 'handle' ? platform || null : null },
  };
}

/** Field errors for the requester form; null when the error is not about the input. */
export function requesterFormErrors(error: unknown, locale: Locale, valueBlock: RequesterBlock): Record<string, string> | null {
  const blockOf = (issue: FieldIssue) =>
    issue.field.endsWith('platform') ? REQUESTER_BLOCK.platform : issue.field.endsWith('displayName') ? REQUESTER_BLOCK.displayName : valueBlock;
  if (error instanceof InvalidInputError) {
    return Object.fromEntries(error.issues.map((issue) => [blockOf(issue), t(locale, issue.code, issue.params)]));
  }
  if (error instanceof SenderTakenError) return { [valueBlock]: t(locale, error.code, error.params) };
  return null;
}

// ---------------------------------------------------------------------------------------------------------

/** A modal that only says something: "Loading…" while a form's data is read, or why it cannot be shown. */
export function noticeModal(locale: Locale, text: string, title = t(locale, 'bot.modal.noticeTitle')): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.notice,
    title: plain(title, 24),
    close: plain(t(locale, 'bot.modal.close'), 24),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }],
  };
}
