// Sender normalisation (spec §2): the normalised key is what makes a sender unique.
// The "max" metadata validates number ranges, not only lengths: +48 100 000 000 is refused.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { tidy, fold, digitsOnly } from '../text.ts';
import { normalizePlatform } from '../platforms.ts';
import type { MessageKey } from '../i18n/index.ts';

export const SENDER_KINDS = ['email', 'phone', 'handle'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

export interface SenderInput {
  kind: SenderKind;
  value: string;
  platform?: string | null;
}

export interface NormalizedSender {
  kind: SenderKind;
  /** As typed (trimmed; a handle's leading @ dropped). */
  value: string;
  /** The unique key together with kind and platform. */
  normalized: string;
  platform: string | null;
  /** Digits-only copy of a phone, for fragment search. */
  digits: string | null;
  /** What search matches against: folded text, or the digits of a phone. */
  searchKey: string;
}

export type SenderResult = { ok: true; sender: NormalizedSender } | { ok: false; error: MessageKey };

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/u;
const MAX_VALUE_LENGTH = 254;

export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase();
  return email.length <= MAX_VALUE_LENGTH && EMAIL.test(email) ? email : null;
}

/** E.164 form of a phone typed in any usual way, read with `region` when it has no country prefix. */
export function normalizePhone(raw: string, region: string): string | null {
  const typed = raw.trim();
  if (typed.length > 40 || !/\d/u.test(typed)) return null;
  const withPlus = typed.startsWith('00') ? `+${typed.slice(2)}` : typed;
  const phone = parsePhoneNumberFromString(withPlus, region as CountryCode);
  return phone && phone.isValid() ? phone.number : null;
}

export function normalizeSender(input: SenderInput, region: string): SenderResult {
  const value = tidy(String(input.value ?? ''));
  if (!value) return { ok: false, error: 'error.sender.valueRequired' };
  switch (input.kind) {
    case 'email': {
      const email = normalizeEmail(value);
      if (!email) return { ok: false, error: 'error.email.invalid' };
      return { ok: true, sender: { kind: 'email', value, normalized: email, platform: null, digits: null, searchKey: email } };
    }
    case 'phone': {
      const e164 = normalizePhone(value, region);
      if (!e164) return { ok: false, error: 'error.phone.invalid' };
      const digits = digitsOnly(e164);
      return { ok: true, sender: { kind: 'phone', value, normalized: e164, platform: null, digits, searchKey: digits } };
    }
    case 'handle': {
      const handle = value.replace(/^@+/u, '').trim();
      if (!handle) return { ok: false, error: 'error.sender.valueRequired' };
      if (handle.length > 200) return { ok: false, error: 'error.handle.tooLong' };
      if (!input.platform || !input.platform.trim()) return { ok: false, error: 'error.handle.platformRequired' };
      const platform = normalizePlatform(input.platform);
      if (!platform) return { ok: false, error: 'error.platform.invalid' };
      const normalized = handle.toLowerCase();
      return { ok: true, sender: { kind: 'handle', value: handle, normalized, platform, digits: null, searchKey: fold(handle) } };
    }
    default:
      return { ok: false, error: 'error.sender.kindInvalid' };
  }
}

/** One string per sender identity: equal keys mean the same customer account. */
export function senderKey(sender: { kind: string; normalized: string; platform?: string | null }): string {
  return `${sender.kind}\u0000${sender.platform ?? ''}\u0000${sender.normalized}`;
}
