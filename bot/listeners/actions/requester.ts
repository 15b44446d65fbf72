// Buttons that follow a shortcut: "Add to contacts" (quick-add the requester shown) and "Type the requester".
import type { App, BlockAction } from '@slack/bolt';
import { NotFoundError } from '../../../core/errors.ts';
import { ACTION } from '../../slack-ids.ts';
import { begin, type BotDeps } from '../../context.ts';
import { openRequesterForm, quickAddAndAnswer, readEnterRequesterValue, readRequesterButtonValue } from '../../requester-flow.ts';
import { textMessage } from '../../blocks.ts';
import { replyEphemeral } from '../../slack-calls.ts';
import { errorText } from '../../errors.ts';
import { clickTarget, clickedValue } from './target.ts';

export function registerRequesterButtons(app: App, deps: BotDeps): void {
  app.action<BlockAction>(ACTION.addRequester, async ({ ack, body, client }) => {
    await ack();
    const { user, em } = await begin(deps, client, body.user.id, body.user.name);
    const target = clickTarget(body);
    const carried = readRequesterButtonValue(clickedValue(body));
    if (!carried) return void (await replyEphemeral(client, deps.log, target, textMessage(errorText(new NotFoundError(), user.locale, deps.log))));
    await quickAddAndAnswer(deps, client, em, user, carried.requester, carried.sourceUrl, target);
  });

  app.action<BlockAction>(ACTION.enterRequester, async ({ ack, body, client }) => {
    await ack();
    const { user } = await begin(deps, client, body.user.id, body.user.name);
    const { sourceUrl, handle } = readEnterRequesterValue(clickedValue(body));
    await openRequesterForm(deps, client, user, body.trigger_id, clickTarget(body), sourceUrl, handle ?? undefined);
  });
}
