// Message catalogues: every user-facing string, keyed by the same codes as the domain errors.
// Each language's catalogue is assembled from one part per face (common, panel, bot).
import type { Locale } from '../regions.ts';
import { common as commonEn } from './common.en.ts';
import { common as commonPl } from './common.pl.ts';
import { panel as panelEn } from './panel.en.ts';
import { panel as panelPl } from './panel.pl.ts';
import { bot as botEn } from './bot.en.ts';
import { bot as botPl } from './bot.pl.ts';

export type { Locale };
/** Every message key: the English catalogues are the source; the Polish ones must have the same keys (the compiler checks). */
export type MessageKey = keyof typeof commonEn | keyof typeof panelEn | keyof typeof botEn;
export type Messages = Record<string, string>;

const CATALOGUES: Record<Locale, Messages> = {
  en: { ...commonEn, ...panelEn, ...botEn },
  pl: { ...commonPl, ...panelPl, ...botPl },
};

/** The message for `key` with `{param}` placeholders filled; falls back to English, then to the key. */
export function t(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGUES[locale]?.[key] ?? CATALOGUES.en[key] ?? key;
  return template.replace(/\{(\w+)\}/gu, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasMessage(locale: Locale, key: string): boolean {
  return key in CATALOGUES[locale];
}

/** A key that arrives as plain text (a zod message): itself when the catalogue has it, else the fallback. */
export function messageKeyOf(text: string, fallback: MessageKey): MessageKey {
  return isMessageKey(text) ? text : fallback;
}

function isMessageKey(text: string): text is MessageKey {
  return text in CATALOGUES.en;
}

/** Picks a supported locale from an Accept-Language header or a Slack locale such as "pl-PL". */
export function pickLocale(preferences: string | undefined | null, fallback: Locale = 'en'): Locale {
  if (!preferences) return fallback;
  for (const part of preferences.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('pl')) return 'pl';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
