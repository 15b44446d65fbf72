// Turns the text typed after `/contact` into a subcommand and its argument (requester-extraction spec, §3).

import { unwrapSlackMarkup } from './requester-extraction.ts';

export const CONTACT_SUBCOMMANDS = ['find', 'show', 'add', 'edit', 'help'] as const;
export type ContactSubcommand = (typeof CONTACT_SUBCOMMANDS)[number];

export interface ContactCommand {
  subcommand: ContactSubcommand;
  argument: string;
}

function isSubcommand(word: string): word is ContactSubcommand {
  return (CONTACT_SUBCOMMANDS as readonly string[]).includes(word);
}

/**
 * `/contact show Jan Kowalski` → show "Jan Kowalski"; `/contact  Jan   Kowalski ` → find "Jan Kowalski"; empty → help.
 * An argument holding `@` is an e-mail lookup and is lower-cased. Expects already-decoded text (see decodeFormText).
 */
export function parseContactCommand(text: string): ContactCommand {
  const words = typeof text === 'string' ? unwrapSlackMarkup(text).split(/\s+/u).filter((word) => word !== '') : [];
  if (words.length === 0) return { subcommand: 'help', argument: '' };
  const first = words[0].toLowerCase();
  const [subcommand, rest] = isSubcommand(first) ? [first, words.slice(1)] : (['find', words] as const);
  const argument = rest.join(' ');
  return { subcommand, argument: argument.includes('@') ? argument.toLowerCase() : argument };
}

const utf8 = new TextDecoder('utf-8'); // not fatal: a broken sequence becomes U+FFFD instead of throwing

/**
 * Decodes a still-encoded form value (`application/x-www-form-urlencoded`): `+` is a space, `%XX` are UTF-8 bytes.
 * Never applied automatically: in already-decoded text a `+` (as in `+48 600…`) or `%` is a real character.
 */
export function decodeFormText(raw: string): string {
  if (typeof raw !== 'string') return '';
  return raw
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => utf8.decode(Uint8Array.from(run.slice(1).split('%'), (hex) => parseInt(hex, 16))));
}
