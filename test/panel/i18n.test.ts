// Every string the panel shows exists in English and in Polish.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { common as commonEn } from '../../core/i18n/common.en.ts';
import { common as commonPl } from '../../core/i18n/common.pl.ts';
import { panel as panelEn } from '../../core/i18n/panel.en.ts';
import { panel as panelPl } from '../../core/i18n/panel.pl.ts';
import { bot as botEn } from '../../core/i18n/bot.en.ts';
import { bot as botPl } from '../../core/i18n/bot.pl.ts';
import { hasMessage } from '../../core/i18n/index.ts';
import { ROLES } from '../../core/user.service.ts';
import { SORTS } from '../../core/contacts/contact.search.ts';

// The compiler already requires every English key in Polish; this also catches extra Polish keys and placeholders.
const en: Record<string, string> = { ...commonEn, ...panelEn, ...botEn };
const pl: Record<string, string> = { ...commonPl, ...panelPl, ...botPl };

t.test('the English and Polish catalogues have the same keys and placeholders', async (t) => {
  t.same(Object.keys(pl).sort(), Object.keys(en).sort());
  for (const key of Object.keys(en)) {
    const placeholders = (text: string) => (text.match(/\{\w+\}/gu) ?? []).sort();
    t.same(placeholders(pl[key] ?? ''), placeholders(en[key] ?? ''), key);
  }
});

t.test('every key the panel uses is in both languages', async (t) => {
  const files = [
    ...readdirSync('panel').filter((f) => f.endsWith('.ts')).map((f) => path.join('panel', f)),
    ...readdirSync('panel/views').map((f) => path.join('panel/views', f)),
    'core/user.service.ts',
  ];
  const used = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'((?:panel|error|field|kind|channel|search)\.[\w.-]+)'/gu)) {
      if (!match[1]?.endsWith('.')) used.add(match[1] as string);
    }
  }
  // Keys the templates build from a value.
  for (const role of ROLES) used.add(`panel.role.${role}`);
  for (const sort of SORTS) used.add(`panel.sort.${sort}`);
  for (const action of ['created', 'updated', 'deleted', 'sender_added', 'sender_removed', 'ticket_sent']) used.add(`panel.history.${action}`);
  t.ok(used.size > 150, `found ${used.size} keys`);
  for (const key of used) {
    t.ok(hasMessage('en', key) && hasMessage('pl', key), key);
  }
});
