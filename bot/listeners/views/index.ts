// Modal-submission listeners.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../context.ts';
import { registerContactForm } from './contact-form.ts';
import { registerRequesterEntry } from './requester-entry.ts';

export function register(app: App, deps: BotDeps): void {
  registerContactForm(app, deps);
  registerRequesterEntry(app, deps);
}
