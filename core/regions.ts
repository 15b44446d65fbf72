// Countries (ISO 3166-1 alpha-2) and languages (ISO 639-1): validation and localized names.
import countries from 'i18n-iso-countries';

export type Locale = 'en' | 'pl';
export const LOCALES: readonly Locale[] = ['en', 'pl'];

// ISO 639-1 codes; ICU knows more languages than this list, the standard is the contract.
const LANGUAGE_CODES = new Set(
  ('aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu ' +
    'fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km ' +
    'kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om ' +
    'or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ' +
    'ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu').split(' '),
);

const COUNTRY_CODES = new Set(Object.keys(countries.getAlpha2Codes()));

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

export function isLanguageCode(code: string): boolean {
  return LANGUAGE_CODES.has(code);
}

const regionNames = new Map<Locale, Intl.DisplayNames>();
const languageNames = new Map<Locale, Intl.DisplayNames>();

function displayNames(cache: Map<Locale, Intl.DisplayNames>, locale: Locale, type: 'region' | 'language') {
  let names = cache.get(locale);
  if (!names) cache.set(locale, (names = new Intl.DisplayNames([locale], { type, fallback: 'code' })));
  return names;
}

export function countryName(code: string, locale: Locale): string {
  return displayNames(regionNames, locale, 'region').of(code) ?? code;
}

export function languageName(code: string, locale: Locale): string {
  return displayNames(languageNames, locale, 'language').of(code) ?? code;
}

/** Options for pickers, sorted by the localized name. */
export function countryOptions(locale: Locale): { code: string; name: string }[] {
  return sortByName([...COUNTRY_CODES].map((code) => ({ code, name: countryName(code, locale) })), locale);
}

export function languageOptions(locale: Locale): { code: string; name: string }[] {
  return sortByName([...LANGUAGE_CODES].map((code) => ({ code, name: languageName(code, locale) })), locale);
}

function sortByName<T extends { name: string }>(items: T[], locale: Locale): T[] {
  const collator = new Intl.Collator(locale);
  return items.sort((a, b) => collator.compare(a.name, b.name));
}
