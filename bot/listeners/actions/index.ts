// Button listeners.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../context.ts';
import { registerContactDetails } from './contact-details.ts';
import { registerContactForms } from './contact-forms.ts';
import { registerContactDelete } from './contact-delete.ts';
import { registerRequesterButtons } from './requester.ts';
import { registerLinks } from './links.ts';

export function register(app: App, deps: BotDeps): void {
  registerContactDetails(app, deps);
  registerContactForms(app, deps);
  registerContactDelete(app, deps);
  registerRequesterButtons(app, deps);
  registerLinks(app);
}
