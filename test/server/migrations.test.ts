// The committed migrations produce exactly the schema the entities describe (what `migration:check` reports).
import t from 'tap';
import { testDatabase } from '../helpers/db.ts';

t.test('no schema change is left without a migration', async (t) => {
  const { orm } = await testDatabase(t);
  t.equal(await orm.getMigrator().checkMigrationNeeded(), false);
  const extensions = await orm.em.fork().getConnection().execute("select extname from pg_extension where extname = 'pg_trgm'");
  t.equal(extensions.length, 1, 'pg_trgm is installed by the migrations');
});
