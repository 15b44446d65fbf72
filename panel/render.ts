// Rendering for the panel: the common template context, whole page or fragment, and redirects that suit
// both plain browsers (303) and htmx (HX-Location).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { t, type Locale, type MessageKey } from '../core/i18n/index.ts';
import { countryName, countryOptions, languageName, languageOptions } from '../core/regions.ts';
import { PLATFORMS, platformName } from '../core/platforms.ts';
import type { PanelUser } from '../core/user.service.ts';
import { NotFoundError } from '../core/errors.ts';
import { parseId } from '../core/ids.ts';

declare module 'fastify' {
  interface FastifyRequest {
    panelUser: PanelUser | null;
    locale: Locale;
    /** The form a handler is working on, so the error handler can render it again with what was typed. */
    panelForm: FormContext | null;
  }
}

/** A page template and, for htmx requests aimed at `target`, the fragment that replaces it. */
export interface View {
  page: string;
  fragment?: string;
  /** The id of the element the fragment replaces (htmx sends it as HX-Target: "tag#id"). */
  target?: string;
}

export interface FormContext {
  view: View;
  data: Record<string, unknown>;
}

/** Errors shown next to fields; `owner` links to the contact that holds a name or a sender. */
export interface FieldError {
  message: string;
  owner?: { id: number; name: string };
}

/** What the panel keeps in its signed, encrypted session cookie. */
export interface PanelSessionData {
  uid: number;
  epoch: number;
  /** When the user signed in (ms): sessions end SESSION_TTL_HOURS later whatever happens meanwhile. */
  iat: number;
  flash: string;
}

export interface PanelSession {
  get<K extends keyof PanelSessionData>(key: K): PanelSessionData[K] | undefined;
  set<K extends keyof PanelSessionData>(key: K, value: PanelSessionData[K] | undefined): void;
  regenerate(keep?: string[]): void;
  delete(): void;
}

export function sessionOf(request: FastifyRequest): PanelSession {
  return request.session as unknown as PanelSession;
}

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

/** Helpers every template gets as `it.h`. */
export function helpers(locale: Locale) {
  let dates = dateFormats.get(locale);
  if (!dates) dateFormats.set(locale, (dates = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })));
  const format = dates;
  return {
    // Templates are not type-checked; test/panel/i18n.test.ts checks every key they use.
    t: (key: string, params: Record<string, string | number> = {}) => t(locale, key as MessageKey, params),
    date: (iso: string | Date | null | undefined) => (iso ? format.format(new Date(iso)) : ''),
    isoDate: (iso: string | Date) => new Date(iso).toISOString(),
    country: (code: string | null | undefined) => (code ? countryName(code, locale) : ''),
    language: (code: string | null | undefined) => (code ? languageName(code, locale) : ''),
    platform: (code: string | null | undefined) => (code ? platformName(code) : ''),
    /** A query string of the non-empty values, for links that keep the current filters. */
    query: (params: Record<string, unknown>) => {
      const search = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
      const text = search.toString();
      return text ? `?${text}` : '';
    },
  };
}

// Picker options depend only on the locale: computed once per locale and kept (the same on every instance).
const pickers = new Map<Locale, { countries: { code: string; name: string }[]; languages: { code: string; name: string }[] }>();

export function pickerOptions(locale: Locale) {
  let options = pickers.get(locale);
  if (!options) pickers.set(locale, (options = { countries: countryOptions(locale), languages: languageOptions(locale) }));
  return options;
}

export const PLATFORM_OPTIONS = Object.entries(PLATFORMS).map(([code, name]) => ({ code, name }));

export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true' && request.headers['hx-history-restore-request'] !== 'true';
}

/** True when htmx asked to replace the element with this id. */
export function targets(request: FastifyRequest, id: string): boolean {
  const target = request.headers['hx-target'];
  return isHtmx(request) && typeof target === 'string' && target.endsWith(`#${id}`);
}

export async function render(request: FastifyRequest, reply: FastifyReply, view: View, data: Record<string, unknown> = {}, status = 200) {
  const fragment = view.fragment && view.target && targets(request, view.target);
  const csrf = await reply.generateCsrf();
  const flash = sessionOf(request).get('flash');
  if (flash && !fragment) sessionOf(request).set('flash', undefined);
  const html = await reply.viewAsync(fragment ? (view.fragment as string) : view.page, {
    h: helpers(request.locale),
    locale: request.locale,
    user: request.panelUser,
    csrf,
    path: request.url.split('?')[0],
    flash: fragment ? undefined : flash,
    errors: {},
    ...data,
  });
  // The same URL answers with a page or a fragment: caches must tell them apart, and never keep either.
  return reply.code(status).header('vary', 'HX-Request, HX-Target').header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** After a successful POST: 303 for a plain form, HX-Location for htmx (loads the page without a reload). */
export function seeOther(request: FastifyRequest, reply: FastifyReply, url: string, flash?: string) {
  if (flash) sessionOf(request).set('flash', flash);
  if (isHtmx(request)) return reply.code(204).header('hx-location', url).send();
  return reply.code(303).header('location', url).send();
}

/** The `:id` of a panel route; one that cannot name a record is answered like a missing one. */
export function idOf(request: FastifyRequest): number {
  const id = parseId((request.params as { id?: string }).id);
  if (id === null) throw new NotFoundError();
  return id;
}
