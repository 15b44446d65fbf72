// The read model of a contact: one SQL statement that returns contacts with their senders and integrations.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../actor.ts';
import type { SenderKind } from './senders.ts';

export interface SenderView {
  id: number;
  kind: SenderKind;
  value: string;
  normalized: string;
  platform: string | null;
  sourceUrl: string | null;
  addedVia: Channel;
  addedByName: string;
  createdAt: string;
}

export interface IntegrationView {
  id: number;
  platform: string;
  label: string;
}

export interface ContactView {
  id: number;
  name: string;
  senders: SenderView[];
  country: string | null;
  language: string | null;
  integrations: IntegrationView[];
  note: string | null;
  createdAt: string;
  updatedAt: string;
  createdVia: Channel;
  createdById: string;
  createdByName: string;
  version: number;
}

/** Columns of a ContactView; the caller names the contact table `c`. */
export const CONTACT_VIEW_COLUMNS = `
  c.id, c.name, c.country, c.language, c.note, c.created_at, c.updated_at, c.version,
  c.created_via, c.created_by_id, c.created_by_name,
  coalesce((select json_agg(json_build_object(
      'id', s.id, 'kind', s.kind, 'value', s.value, 'normalized', s.normalized, 'platform', s.platform,
      'sourceUrl', s.source_url, 'addedVia', s.added_via, 'addedByName', s.added_by_name, 'createdAt', s.created_at
    ) order by s.id) from sender s where s.contact_id = c.id), '[]'::json) as senders,
  coalesce((select json_agg(json_build_object('id', i.id, 'platform', i.platform, 'label', i.label) order by i.platform, i.label)
    from contact_integration ci join integration_account i on i.id = ci.integration_account_id
    where ci.contact_id = c.id), '[]'::json) as integrations`;

export interface ContactRow {
  id: number;
  name: string;
  country: string | null;
  language: string | null;
  note: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
  created_via: Channel;
  created_by_id: string;
  created_by_name: string;
  senders: SenderView[] | string;
  integrations: IntegrationView[] | string;
}

const iso = (value: Date | string) => (value instanceof Date ? value : new Date(value)).toISOString();
const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function toContactView(row: ContactRow): ContactView {
  return {
    id: row.id,
    name: row.name,
    senders: json<SenderView[]>(row.senders).map((s) => ({ ...s, createdAt: iso(s.createdAt) })),
    country: row.country,
    language: row.language,
    integrations: json(row.integrations),
    note: row.note,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    createdVia: row.created_via,
    createdById: row.created_by_id,
    createdByName: row.created_by_name,
    version: row.version,
  };
}

/** Contacts by id, in the order of `ids`; missing ids are left out. */
export async function loadContactViews(em: EntityManager, ids: number[]): Promise<ContactView[]> {
  if (ids.length === 0) return [];
  const rows = await em
    .getConnection()
    .execute<ContactRow[]>(`select ${CONTACT_VIEW_COLUMNS} from contact c where c.id = any(?::int[])`, [`{${ids.join(',')}}`]);
  const byId = new Map(rows.map((row) => [row.id, toContactView(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
