// Slash-command listeners.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../context.ts';
import { registerContactCommand } from './contact.ts';

export function register(app: App, deps: BotDeps): void {
  registerContactCommand(app, deps);
}
