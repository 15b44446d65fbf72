// MikroORM configuration, shared by the server, the tests and the CLI (`npm run orm -- migration:create`).
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './core/entities/index.ts';

export interface OrmSettings {
  clientUrl: string;
  poolMax?: number;
  statementTimeoutMs?: number;
  debug?: boolean;
}

export function ormConfig(settings: OrmSettings): Options {
  return defineConfig({
    clientUrl: settings.clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    preferTs: true,
    // The database must exist (the embedded one is created at start); creating it here would fail start-up while it is down.
    ensureDatabase: false,
    debug: settings.debug ?? false,
    discovery: { warnWhenNoEntities: true },
    migrations: {
      path: './migrations',
      pathTs: './migrations',
      glob: '!(*.d).{js,ts}',
      emit: 'ts',
      // No snapshot file: `migration:create` compares the entities with the migrated database named by DATABASE_URL,
      // so migrations made on parallel branches never fight over one generated file.
      snapshot: false,
      transactional: true,
      allOrNothing: true,
      silent: true, // server.ts logs what was applied
    },
    pool: { min: 0, max: settings.poolMax ?? 10, idleTimeoutMillis: 30_000 },
    driverOptions: {
      // Fail fast while the database is down instead of queueing requests for a minute (knex's default).
      acquireConnectionTimeout: 3000,
      connection: {
        connectionTimeoutMillis: 3000,
        statement_timeout: settings.statementTimeoutMs ?? 5000,
        application_name: 'contactdesk',
      },
    },
  });
}

export default ormConfig({ clientUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/contactdesk' });
