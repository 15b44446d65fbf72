// A contact's audit events as readable lines: who, when, through what, and which fields changed how.
import type { IAuditEvent } from '../core/entities/index.ts';
import type { ContactAction } from '../core/contacts/contact.audit.ts';
import type { SenderKind } from '../core/contacts/senders.ts';
import { t, type Locale } from '../core/i18n/index.ts';
import { countryName, languageName } from '../core/regions.ts';
import { platformName } from '../core/platforms.ts';

export interface HistoryEntry {
  at: Date;
  actorName: string;
  channel: string;
  action: string;
  changes: { field: string; before: string; after: string }[];
}

type Snapshot = Record<string, unknown> | null;

const FIELDS = ['name', 'senders', 'country', 'language', 'integrations', 'note'] as const;

function senderText(locale: Locale, value: unknown): string {
  const s = (value ?? {}) as { kind?: string; value?: string; platform?: string | null };
  const platform = s.platform ? ` (${platformName(s.platform)})` : '';
  return `${t(locale, `kind.${(s.kind ?? 'email') as SenderKind}`)}: ${s.value ?? ''}${platform}`;
}

function fieldText(locale: Locale, field: string, value: unknown, labels: Map<number, string>): string {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'country') return countryName(String(value), locale);
  if (field === 'language') return languageName(String(value), locale);
  if (field === 'senders') return (value as unknown[]).map((s) => senderText(locale, s)).join(', ') || '—';
  if (field === 'integrations') return (value as number[]).map((id) => labels.get(id) ?? `#${id}`).join(', ') || '—';
  return String(value);
}

export function describeEvent(event: IAuditEvent, locale: Locale, labels: Map<number, string>): HistoryEntry {
  const before = event.before as Snapshot;
  const after = event.after as Snapshot;
  const changes: HistoryEntry['changes'] = [];
  const action = event.action as ContactAction;
  if (action === 'sender_added' || action === 'sender_removed') {
    const sender = (after ?? before)?.sender;
    changes.push({ field: t(locale, 'field.senders'), before: action === 'sender_removed' ? senderText(locale, sender) : '', after: action === 'sender_added' ? senderText(locale, sender) : '' });
  } else if (action === 'ticket_sent') {
    changes.push({ field: t(locale, 'panel.ticket.to'), before: '', after: String(after?.to ?? '') });
    changes.push({ field: t(locale, 'panel.ticket.subject'), before: '', after: String(after?.subject ?? '') });
  } else {
    for (const field of FIELDS) {
      const old = before?.[field];
      const now = after?.[field];
      if (JSON.stringify(old ?? null) === JSON.stringify(now ?? null)) continue;
      const emptyList = (v: unknown) => Array.isArray(v) && v.length === 0;
      if (action === 'created' && (now === null || emptyList(now))) continue;
      changes.push({
        field: t(locale, `field.${field}`),
        before: before ? fieldText(locale, field, old, labels) : '',
        after: after ? fieldText(locale, field, now, labels) : '',
      });
    }
    if (typeof after?.source === 'string') changes.push({ field: t(locale, 'panel.history.source'), before: '', after: after.source });
  }
  return { at: event.at, actorName: event.actorName, channel: event.channel, action: t(locale, `panel.history.${action}`), changes };
}
