// Maps domain errors to the API's error body: {"error": {"code", "message", "fields"?, "owner"?}}.
import type { FastifyReply, FastifyRequest, FastifyError } from 'fastify';
import { t, pickLocale } from '../core/i18n/index.ts';
import { databaseTrouble, databaseTroubleBody } from '../core/database.ts';
import {
  DomainError,
  InvalidInputError,
  NameTakenError,
  NotFoundError,
  SenderTakenError,
  StaleVersionError,
  InUseError,
} from '../core/errors.ts';

const STATUS: [new (...args: never[]) => DomainError, number, string][] = [
  [InvalidInputError, 422, 'invalid_input'],
  [NotFoundError, 404, 'not_found'],
  [NameTakenError, 409, 'name_taken'],
  [SenderTakenError, 409, 'sender_taken'],
  [StaleVersionError, 409, 'stale_version'],
  [InUseError, 409, 'in_use'],
];

export function sendApiError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const locale = pickLocale(request.headers['accept-language']);
  if (error instanceof DomainError) {
    const [, status, code] = STATUS.find(([type]) => error instanceof type) ?? [DomainError, 400, 'bad_request'];
    const body: Record<string, unknown> = { code, message: t(locale, error.code, error.params) };
    if (error instanceof InvalidInputError) {
      body.fields = Object.fromEntries(error.issues.map((i) => [i.field, t(locale, i.code, i.params)]));
    }
    if (error instanceof NameTakenError || error instanceof SenderTakenError) body.owner = error.owner;
    if (error instanceof SenderTakenError && error.field) body.fields = { [error.field]: body.message };
    if (error instanceof StaleVersionError && error.currentVersion !== null) body.currentVersion = error.currentVersion;
    return reply.code(status).send({ error: body });
  }
  const trouble = databaseTrouble(error);
  if (trouble) {
    request.log.warn({ err: error }, `database ${trouble}`);
    return reply.code(503).header('retry-after', '5').send(databaseTroubleBody(trouble));
  }
  const fastifyError = error as FastifyError;
  const status = fastifyError.statusCode ?? 500;
  if (status === 413) return reply.code(413).send({ error: { code: 'payload_too_large', message: 'The request body is larger than 1 MB.' } });
  if (status === 415) return reply.code(415).send({ error: { code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json).' } });
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error: { code: 'bad_request', message: fastifyError.message } });
  }
  request.log.error({ err: error }, 'unhandled API error');
  return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.', requestId: request.id } });
}
