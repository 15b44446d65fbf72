// Runs the real server (`node --import tsx server.ts`) as a child process, as `npm start` does.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { freePort } from './db.ts';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** The environment without the test runner's own loaders (they hook signals and process exits). */
export function plainEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(NODE_OPTIONS|TAP|_TAPJS)/u.test(key)));
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  baseUrl: string;
  /** Everything the process printed so far. */
  output(): string;
}

/** Starts the server; with `waitReady` resolves once /readyz answers 200. Killed at teardown. */
export async function startServerProcess(t: Teardown, env: Record<string, string>, waitReady = true): Promise<ServerProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: plainEnv({ ...env, PORT: port }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  if (waitReady) {
    for (let i = 0; ; i++) {
      if (await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false)) break;
      if (child.exitCode !== null || i > 300) throw new Error(`server did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { child, baseUrl, output: () => output };
}
