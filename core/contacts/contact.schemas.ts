// Input schemas for contacts, shared by the panel's forms, the bot's modals and the API.
// Messages are catalogue keys (core/i18n), not English.
import { z } from 'zod';
import { tidy, stripControl } from '../text.ts';
import { isCountryCode, isLanguageCode } from '../regions.ts';
import { SENDER_KINDS } from './senders.ts';
import { InvalidInputError, type FieldIssue } from '../errors.ts';
import { messageKeyOf } from '../i18n/index.ts';

export const MAX_NAME_LENGTH = 200;
export const MAX_NOTE_LENGTH = 5000;
export const MAX_SENDERS = 50;

export const SenderInput = z.object({
  kind: z.enum(SENDER_KINDS, { error: 'error.sender.kindInvalid' }),
  value: z.string({ error: 'error.sender.valueRequired' }).max(254, { error: 'error.invalid' }),
  platform: z.string({ error: 'error.platform.invalid' }).max(40, { error: 'error.platform.invalid' }).nullish(),
});
export type SenderInput = z.infer<typeof SenderInput>;

/** Empty and missing both mean "not set". */
const optionalCode = (normalize: (v: string) => string, isValid: (v: string) => boolean, key: string) =>
  z
    .string({ error: key })
    .nullish()
    .transform((v) => (v && v.trim() ? normalize(v.trim()) : null))
    .refine((v) => v === null || isValid(v), { error: key });

const contactFields = {
  name: z
    .string({ error: 'error.name.required' })
    .max(10_000, { error: 'error.name.tooLong' })
    .transform(tidy)
    .pipe(z.string().min(1, { error: 'error.name.required' }).max(MAX_NAME_LENGTH, { error: 'error.name.tooLong' })),
  senders: z.array(SenderInput, { error: 'error.invalid' }).max(MAX_SENDERS, { error: 'error.sender.tooMany' }),
  country: optionalCode((v) => v.toUpperCase(), isCountryCode, 'error.country.invalid'),
  language: optionalCode((v) => v.toLowerCase(), isLanguageCode, 'error.language.invalid'),
  integrations: z
    .array(z.coerce.number({ error: 'error.integration.unknown' }).int({ error: 'error.integration.unknown' }).positive({ error: 'error.integration.unknown' }), { error: 'error.invalid' })
    .max(100, { error: 'error.invalid' })
    .transform((ids) => [...new Set(ids)]),
  note: z
    .string({ error: 'error.invalid' })
    .nullish()
    .transform((v) => (v && v.trim() ? stripControl(v.replace(/\r\n/gu, '\n')) : null))
    .refine((v) => v === null || v.length <= MAX_NOTE_LENGTH, { error: 'error.note.tooLong' }),
};

export const ContactInput = z.object({
  ...contactFields,
  senders: contactFields.senders.default([]),
  integrations: contactFields.integrations.default([]),
});
export type ContactInput = z.infer<typeof ContactInput>;

/** A partial update; `senders`, when given, is the complete new list. */
export const ContactPatch = z.object({
  version: z.coerce.number({ error: 'error.version.required' }).int({ error: 'error.version.required' }).min(1, { error: 'error.version.required' }),
  name: contactFields.name.optional(),
  senders: contactFields.senders.optional(),
  country: contactFields.country.optional(),
  language: contactFields.language.optional(),
  integrations: contactFields.integrations.optional(),
  note: contactFields.note.optional(),
});
export type ContactPatch = z.infer<typeof ContactPatch>;

export const RequesterInput = z.object({
  kind: z.enum(SENDER_KINDS, { error: 'error.sender.kindInvalid' }),
  value: z.string({ error: 'error.sender.valueRequired' }).max(254, { error: 'error.invalid' }),
  displayName: z.string({ error: 'error.invalid' }).max(1000, { error: 'error.invalid' }).nullish(),
  platform: z.string({ error: 'error.platform.invalid' }).max(40, { error: 'error.platform.invalid' }).nullish(),
});
export type RequesterInput = z.infer<typeof RequesterInput>;

export const IntegrationInput = z.object({
  platform: z.string({ error: 'error.platform.invalid' }).trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/u, { error: 'error.platform.invalid' }),
  label: z
    .string({ error: 'error.label.required' })
    .transform(tidy)
    .pipe(z.string().min(1, { error: 'error.label.required' }).max(200, { error: 'error.label.tooLong' })),
});

/** Field issues from a zod error; a message that is not one of our keys becomes the generic "invalid". */
export function issuesFrom(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: prefix + (issue.path.length ? issue.path.join('.') : 'input'),
    code: messageKeyOf(issue.message, 'error.invalid'),
  }));
}

/** Parses `raw` with `schema` or throws InvalidInputError listing every field at fault. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw new InvalidInputError(issuesFrom(result.error, prefix));
  return result.data;
}
