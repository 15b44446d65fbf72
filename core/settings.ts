// Settings the core needs from the configuration, set once at start-up by the composition root.

export interface CoreSettings {
  /** Region for phone numbers typed without a country prefix when the contact has no country. */
  defaultPhoneRegion: string;
}

const settings: CoreSettings = { defaultPhoneRegion: 'PL' };

export function configureCore(values: Partial<CoreSettings>): void {
  Object.assign(settings, values);
}

export function coreSettings(): Readonly<CoreSettings> {
  return settings;
}
