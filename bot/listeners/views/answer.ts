// A modal's answer must be the HTTP response itself, so a submission is validated and saved before the ack.
// Field errors are stored with the request's idempotency key: a retried submission gets the same answer.
import type { AckFn, Context, SlackViewMiddlewareArgs, ViewResponseAction } from '@slack/bolt';
import type { BotDeps } from '../../context.ts';
import { rememberAnswer } from '../../idempotency.ts';
import { DEDUPE_KEY } from '../../middleware.ts';

export async function answerWithErrors(deps: BotDeps, context: Context, ack: SlackViewMiddlewareArgs['ack'], errors: Record<string, string>): Promise<void> {
  const response: ViewResponseAction = { response_action: 'errors', errors };
  const key = context[DEDUPE_KEY];
  if (typeof key === 'string') {
    await rememberAnswer(deps.orm.em.fork(), key, response).catch((error: unknown) => deps.log.warn({ err: error }, 'could not store a modal answer'));
  }
  await (ack as AckFn<ViewResponseAction>)(response); // a view_submission's ack takes a response action
}

/** The acting user of a submission, without a Slack call (the answer must leave within 3 s): cached, else the payload's name. */
export function submitter(deps: BotDeps, user: { id: string; name?: string }): { id: string; name: string } {
  return { id: user.id, name: deps.users.peek(user.id)?.name ?? user.name ?? user.id };
}
