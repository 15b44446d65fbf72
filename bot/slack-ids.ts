// Every Slack identifier the bot uses. The command name and shortcut callback ids come from manifest.json, the
// single source of truth: a listener for an id the manifest does not declare fails at start-up.
import manifest from './manifest.json' with { type: 'json' };

const declaredShortcuts = new Set(manifest.features.shortcuts.map((shortcut) => shortcut.callback_id));

function shortcutFromManifest(callbackId: string): string {
  if (!declaredShortcuts.has(callbackId)) throw new Error(`bot/manifest.json declares no shortcut "${callbackId}"`);
  return callbackId;
}

/** The slash command: `/contact`. */
export const COMMAND = manifest.features.slash_commands[0].command;

export const SHORTCUT = {
  addRequester: shortcutFromManifest('add_requester'),
  lookupRequester: shortcutFromManifest('lookup_requester'),
} as const;

/** Callback ids of the modals. */
export const VIEW = {
  contactAdd: 'contact_add',
  contactEdit: 'contact_edit',
  requesterEntry: 'requester_entry',
  notice: 'notice',
} as const;

/** Action ids of buttons. */
export const ACTION = {
  details: 'contact_details',
  edit: 'contact_edit',
  add: 'contact_add',
  openInPanel: 'contact_open_in_panel',
  delete: 'contact_delete',
  addRequester: 'requester_add',
  enterRequester: 'requester_enter',
  openList: 'contact_list_open',
} as const;

/**
 * Block ids of modal inputs. In the contact modals they are the fields of ContactInput, so an InvalidInputError
 * issue ("senders.1.value") lands on its block ("senders"); in the requester modal they are the typed requester's parts.
 */
export const CONTACT_BLOCK = {
  name: 'name',
  senders: 'senders',
  country: 'country',
  language: 'language',
  integrations: 'integrations',
  note: 'note',
} as const;
export type ContactBlock = (typeof CONTACT_BLOCK)[keyof typeof CONTACT_BLOCK];

export const REQUESTER_BLOCK = {
  displayName: 'displayName',
  email: 'email',
  phone: 'phone',
  handle: 'handle',
  platform: 'platform',
} as const;
export type RequesterBlock = (typeof REQUESTER_BLOCK)[keyof typeof REQUESTER_BLOCK];

/** Each input block holds one element; naming it like its block keeps the state lookup obvious. */
export const INPUT_ACTION = 'input';
