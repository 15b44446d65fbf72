// Start-up time: `npm start` until /readyz answers 200, on an existing (migrated, seeded) database.
import { spawn } from 'node:child_process';
import { ROOT, stopChild, waitForReady } from './http.ts';
import { summarize, type Summary } from './stats.ts';
import { freePort } from '../test/helpers/db.ts';

export async function measureStartup(env: Record<string, string>, runs: number): Promise<Summary> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A fresh port each time: a server still shutting down cannot answer for the new one.
    const port = await freePort();
    const started = performance.now();
    // Its own process group, so stopping it reaches the node process npm starts.
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    });
    try {
      await waitForReady(`http://127.0.0.1:${port}`, child, 60_000);
      samples.push(performance.now() - started);
    } finally {
      await stopChild(child, true);
    }
  }
  return summarize(samples);
}
