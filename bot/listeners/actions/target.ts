// Who clicked, and where the answer to a click goes.
import type { BlockAction } from '@slack/bolt';
import type { ReplyTarget } from '../../slack-calls.ts';

export function clickTarget(body: BlockAction): ReplyTarget {
  return { user: body.user.id, responseUrl: body.response_url ?? null, channel: body.channel?.id ?? body.container?.channel_id ?? null };
}

/** The clicked button's value ('' for anything else). */
export function clickedValue(body: BlockAction): string {
  const action = body.actions[0] as { value?: unknown } | undefined;
  return typeof action?.value === 'string' ? action.value : '';
}
