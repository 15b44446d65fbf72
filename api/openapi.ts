// The OpenAPI document, generated from the same zod schemas the core validates with.
import { z } from 'zod';
import { ContactInput, ContactPatch, RequesterInput, SenderInput } from '../core/contacts/contact.schemas.ts';
import { SearchQuery } from '../core/contacts/contact.search.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
        owner: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
      },
    },
  },
};

const contact = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    senders: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kind: { type: 'string', enum: ['email', 'phone', 'handle'] }, value: { type: 'string' }, normalized: { type: 'string' }, platform: { type: 'string', nullable: true } },
      },
    },
    country: { type: 'string', nullable: true },
    language: { type: 'string', nullable: true },
    integrations: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, platform: { type: 'string' }, label: { type: 'string' } } } },
    note: { type: 'string', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    version: { type: 'integer' },
  },
};

const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { description: 'Error', ...json('Error') }]));
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } };

export function openApiDocument(serverUrl: string) {
  const searchParams = Object.entries((schema(SearchQuery) as { properties: Record<string, unknown> }).properties).map(([name, s]) => ({ name, in: 'query', schema: s }));
  return {
    openapi: '3.0.3',
    info: { title: 'ContactDesk API', version: '1' },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Contact: contact,
        Error: errorBody,
        ContactInput: schema(ContactInput),
        ContactPatch: schema(ContactPatch),
        SenderInput: schema(SenderInput),
        QuickAdd: { type: 'object', required: ['requester'], properties: { requester: schema(RequesterInput), source: { type: 'object', properties: { url: { type: 'string' } } } } },
      },
    },
    paths: {
      '/contacts': {
        get: { summary: 'Search and list contacts', parameters: searchParams, responses: { '200': { description: '{items, nextCursor}' }, ...errors(401, 422) } },
        post: { summary: 'Create a contact', requestBody: json('ContactInput'), responses: { '201': { description: 'Created', ...json('Contact') }, ...errors(401, 409, 413, 422) } },
      },
      '/contacts/{id}': {
        parameters: [idParam],
        get: { summary: 'One contact', responses: { '200': { description: 'The contact', ...json('Contact') }, ...errors(401, 404) } },
        patch: { summary: 'Update a contact (optimistic locking by version)', requestBody: json('ContactPatch'), responses: { '200': { description: 'Updated', ...json('Contact') }, ...errors(401, 404, 409, 422) } },
        delete: { summary: 'Delete a contact', responses: { '204': { description: 'Deleted' }, ...errors(401, 404) } },
      },
      '/contacts/{id}/senders': {
        parameters: [idParam],
        post: { summary: 'Add a sender', requestBody: json('SenderInput'), responses: { '201': { description: 'The contact', ...json('Contact') }, ...errors(401, 404, 409, 422) } },
      },
      '/contacts/{id}/senders/{senderId}': {
        parameters: [idParam, { name: 'senderId', in: 'path', required: true, schema: { type: 'integer' } }],
        delete: { summary: 'Remove a sender', responses: { '200': { description: 'The contact', ...json('Contact') }, ...errors(401, 404) } },
      },
      '/lookup': {
        get: {
          summary: 'The contact that owns a sender',
          parameters: ['kind', 'value', 'platform'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
          responses: { '200': { description: 'The contact', ...json('Contact') }, ...errors(401, 404, 422) },
        },
      },
      '/quick-add': {
        post: { summary: "Add a ticket's requester as a contact", requestBody: json('QuickAdd'), responses: { '201': { description: '{contact, created: true}' }, ...errors(401, 409, 422) } },
      },
      '/integrations': { get: { summary: 'Integration accounts', responses: { '200': { description: '{items}' }, ...errors(401) } } },
    },
  };
}
