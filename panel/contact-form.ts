// The contact form as the browser sends it (repeated senderKind/senderValue/senderPlatform fields, one per
// row) and as the core wants it; what was typed is kept as typed, so a form with errors comes back intact.
import type { ContactView } from '../core/contacts/contact.view.ts';

export interface SenderRow {
  kind: string;
  value: string;
  platform: string;
}

export interface ContactFormValues {
  name: string;
  senders: SenderRow[];
  country: string;
  language: string;
  integrations: string[];
  note: string;
  version: string;
}

/** A form field that may come once (a string) or several times (an array). */
export function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

const text = (value: unknown, max: number) => (typeof value === 'string' ? value : list(value)[0] ?? '').slice(0, max);

/** The form's values; rows left empty are dropped unless `keepEmpty` (while rows are being added or removed). */
export function readContactForm(body: Record<string, unknown>, keepEmpty = false): ContactFormValues {
  const kinds = list(body.senderKind);
  const values = list(body.senderValue);
  const platforms = list(body.senderPlatform);
  const senders = values
    .map((value, i) => ({ kind: kinds[i] ?? 'email', value: value.slice(0, 300), platform: (platforms[i] ?? '').slice(0, 60) }))
    .filter((row) => keepEmpty || row.value.trim() !== '');
  return {
    name: text(body.name, 10_000),
    senders: senders.slice(0, 100),
    country: text(body.country, 10),
    language: text(body.language, 10),
    integrations: list(body.integrations).slice(0, 200),
    note: text(body.note, 20_000),
    version: text(body.version, 20),
  };
}

export function valuesOf(contact: ContactView): ContactFormValues {
  return {
    name: contact.name,
    senders: contact.senders.map((s) => ({ kind: s.kind, value: s.value, platform: s.platform ?? '' })),
    country: contact.country ?? '',
    language: contact.language ?? '',
    integrations: contact.integrations.map((i) => String(i.id)),
    note: contact.note ?? '',
    version: String(contact.version),
  };
}

export function emptyValues(): ContactFormValues {
  return { name: '', senders: [{ kind: 'email', value: '', platform: '' }], country: '', language: '', integrations: [], note: '', version: '' };
}

/** The input of createContact / updateContact; a platform only counts for a handle. */
export function contactInput(values: ContactFormValues) {
  return {
    name: values.name,
    senders: values.senders.map((row) => ({
      kind: row.kind,
      value: row.value,
      platform: row.kind === 'handle' ? row.platform || null : null,
    })),
    country: values.country || null,
    language: values.language || null,
    integrations: values.integrations,
    note: values.note || null,
  };
}

/**
 * The buttons that add or remove a sender row also work without JavaScript: they submit the form with
 * `_action`, and the form comes back with one row more or less, nothing saved.
 */
export function applyRowAction(values: ContactFormValues, action: unknown): boolean {
  if (action === 'addSender') {
    values.senders.push({ kind: 'email', value: '', platform: '' });
    return true;
  }
  const remove = typeof action === 'string' ? /^remove:(\d{1,3})$/u.exec(action) : null;
  if (remove) {
    values.senders.splice(Number(remove[1]), 1);
    return true;
  }
  return false;
}
