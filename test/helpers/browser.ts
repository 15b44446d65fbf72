// Headless Chromium for the panel's browser tests: Debian's chromium driven by playwright-core (never downloaded),
// and the app listening on a free loopback port.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';

export const CHROMIUM = '/usr/bin/chromium';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function launchBrowser(t: Teardown): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium) to run the browser tests`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  t.teardown(() => browser.close());
  return browser;
}

/** Listens on 127.0.0.1 with a free port; closing is registered at once so a failing test never hangs. */
export async function listen(t: Teardown, app: FastifyInstance): Promise<string> {
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  return address;
}
