// Link buttons (open in panel, open the list) still send a click, which Slack expects acknowledged.
import type { App } from '@slack/bolt';
import { ACTION } from '../../slack-ids.ts';

export function registerLinks(app: App): void {
  for (const actionId of [ACTION.openInPanel, ACTION.openList]) app.action(actionId, async ({ ack }) => ack());
}
