// The web admin panel (placeholder until the panel lands).
import type { FastifyPluginAsync } from 'fastify';

export const panelPlugin: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => reply.type('text/html').send('<!doctype html><title>ContactDesk</title><p>ContactDesk is running.</p>'));
};
