// Workspace settings chosen by admins in the panel, stored in PostgreSQL so every instance sees the same value.
// Each setting is declared once here with its schema and default; reading an unset or unreadable value gives the default.
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkspaceSetting } from './entities/index.ts';
import type { Actor } from './actor.ts';

export const WORKSPACE_SETTINGS = {
  /** How much a panel link to a contact unfurls into in Slack (visible to the whole channel: name only by default). */
  'slack.unfurlLevel': { schema: z.enum(['off', 'name', 'senders', 'full']), default: 'name' },
  /** Whether Slack members without a panel account may join as agents through Sign in with Slack. */
  'slack.joinAsAgents': { schema: z.boolean(), default: false },
  /** Delete contacts not changed for this many months; null: retention is off. */
  'privacy.retentionMonths': { schema: z.number().int().min(1).max(120).nullable(), default: null },
} as const satisfies Record<string, { schema: z.ZodType; default: unknown }>;

export type SettingKey = keyof typeof WORKSPACE_SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof WORKSPACE_SETTINGS)[K]['schema']>;

export async function getSetting<K extends SettingKey>(em: EntityManager, key: K): Promise<SettingValue<K>> {
  const row = await em.findOne(WorkspaceSetting, { key });
  const parsed = WORKSPACE_SETTINGS[key].schema.safeParse(row?.value);
  return (parsed.success ? parsed.data : WORKSPACE_SETTINGS[key].default) as SettingValue<K>;
}

/** Stores a setting (validated by its schema; a bad value throws zod's error to the caller's mapping). */
export async function setSetting<K extends SettingKey>(em: EntityManager, key: K, value: SettingValue<K>, actor: Actor): Promise<void> {
  const checked = WORKSPACE_SETTINGS[key].schema.parse(value);
  await em.upsert(WorkspaceSetting, { key, value: checked, updatedByName: actor.name, updatedAt: new Date() });
}
