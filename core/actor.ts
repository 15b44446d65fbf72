// Who does something, and through which face: recorded on contacts, senders and every audit event.

export const CHANNELS = ['panel', 'slack', 'api', 'import', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Actor {
  channel: Channel;
  /** Stable id within the channel: a panel user id, a Slack user id, an API token id. */
  id: string;
  /** A readable name at the time of the action. */
  name: string;
}

export function actor(channel: Channel, id: string | number, name: string): Actor {
  return { channel, id: String(id).slice(0, 100), name: name.slice(0, 200) || String(id) };
}
