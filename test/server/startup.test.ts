// Start-up: a wrong configuration value stops the server with a message naming the variable.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError } from '../../core/config.ts';
import { plainEnv } from '../helpers/server-process.ts';

t.test('each invalid value is named with what was expected', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT: .*\(got "eighty"\)/],
    [{ PORT: '70000' }, /PORT:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL:/],
    [{ DEFAULT_PHONE_REGION: 'Poland' }, /DEFAULT_PHONE_REGION: a two-letter country code/],
    [{ MIGRATE_ON_START: 'maybe' }, /MIGRATE_ON_START:/],
    [{ API_TOKEN: 'short' }, /API_TOKEN: at least 16 characters/],
    [{ DEFAULT_LOCALE: 'de' }, /DEFAULT_LOCALE:/],
  ];
  for (const [env, message] of cases) {
    const error = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
    })();
    t.ok(error instanceof ConfigError, JSON.stringify(env));
    t.match((error as Error).message, message);
  }
});

t.test('defaults make a working local setup', async (t) => {
  const config = loadConfig({});
  t.same([config.PORT, config.HOST, config.DEFAULT_PHONE_REGION, config.MIGRATE_ON_START, config.publicUrl], [3000, '127.0.0.1', 'PL', true, 'http://localhost:3000']);
  t.equal(loadConfig({ DEFAULT_PHONE_REGION: 'de', MIGRATE_ON_START: 'false', PORT: '' }).DEFAULT_PHONE_REGION, 'DE');
});

t.test('npm start with a bad value exits at once with the message, not a stack trace', async (t) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: plainEnv({ PORT: 'eighty', DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' }),
    encoding: 'utf8',
    timeout: 30_000,
  });
  t.equal(result.status, 2);
  t.match(result.stderr, /Invalid configuration:\n\s+PORT:/);
  t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
});
