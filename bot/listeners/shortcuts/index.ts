// Message-shortcut listeners; their callback ids are declared in bot/manifest.json.
import type { App } from '@slack/bolt';
import type { BotDeps } from '../../context.ts';
import { registerAddRequester } from './add-requester.ts';
import { registerLookupRequester } from './lookup-requester.ts';

export function register(app: App, deps: BotDeps): void {
  registerAddRequester(app, deps);
  registerLookupRequester(app, deps);
}
