// The panel in a real headless Chromium: htmx flows under the strict CSP, as a user clicks and types.
import { mkdirSync } from 'node:fs';
import t from 'tap';
import { testApp } from '../helpers/app.ts';
import { launchBrowser, listen } from '../helpers/browser.ts';
import { createUser } from '../../core/user.service.ts';
import { createContact } from '../../core/contacts/contact.service.ts';
import { createIntegration } from '../../core/integration.service.ts';
import { actor } from '../../core/actor.ts';
import { Contact } from '../../core/entities/index.ts';

const ARTIFACTS = 'test/artifacts';

t.test('the panel in Chromium', async (t) => {
  const { app, orm } = await testApp(t);
  const em = orm.em.fork();
  const system = actor('api', 'seed', 'Seed');
  await createUser(em, { email: 'aga@example.com', name: 'Aga Agent', password: 'browser-password', role: 'agent' });
  const shop = await createIntegration(em, { platform: 'allegro', label: 'Main shop' });
  await createIntegration(em, { platform: 'email', label: 'support@shop.example' });
  await createContact(em, { name: 'Jan Kowalski', senders: [{ kind: 'email', value: 'jan@example.com' }, { kind: 'phone', value: '+48 600 123 456' }], country: 'PL', language: 'pl', integrations: [shop.id] }, system);
  await createContact(em, { name: 'Żaneta Żółć', senders: [{ kind: 'handle', value: 'zaneta_z', platform: 'allegro' }], country: 'PL', language: 'pl' }, system);
  await createContact(em, { name: 'Hans Müller', senders: [{ kind: 'email', value: 'hans@example.de' }], country: 'DE', language: 'de' }, system);
  for (let i = 0; i < 55; i++) await createContact(em, { name: `Paged Customer ${String(i).padStart(2, '0')}`, senders: [{ kind: 'email', value: `paged${i}@example.com` }] }, system);

  const base = await listen(t, app);
  const browser = await launchBrowser(t);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    // Chrome logs every 4xx answer; the 409/422 of a form with errors is expected, anything else is a problem.
    const expected = /Failed to load resource: the server responded with a status of (409|422)/u.test(message.text());
    if ((message.type() === 'error' || message.type() === 'warning') && !expected) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  mkdirSync(ARTIFACTS, { recursive: true });

  const rowCount = () => page.locator('tbody#rows tr[id^="contact-"]').count();
  // Functions run in the page (strings would be eval, which the CSP rightly forbids); the page's globals, typed here.
  type Page = { document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { textContent: string | null } | null }; marker?: number };
  /** Set in the page: it survives htmx swaps and is gone after a full page load. */
  const mark = () => page.evaluate(() => void ((globalThis as unknown as Page).marker = 42));
  const marked = () => page.evaluate(() => (globalThis as unknown as Page).marker === 42);
  const countIs = (selector: string, n: number) =>
    page.waitForFunction(([sel, count]) => (globalThis as unknown as Page).document.querySelectorAll(sel).length === count, [selector, n] as const);
  const rowsAre = (n: number) => countIs('tbody#rows tr[id^="contact-"]', n);

  await t.test('sign in', async (t) => {
    await page.goto(`${base}/contacts`);
    t.match(page.url(), /\/login$/);
    await page.getByLabel('E-mail').fill('aga@example.com');
    await page.getByLabel('Password').fill('browser-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/contacts$/);
    t.equal(await page.locator('h1').textContent(), 'Contacts');
    t.equal(await rowCount(), 50, 'the first page');
  });

  await t.test('type a fragment: rows update without navigation, the URL follows', async (t) => {
    await mark();
    await page.locator('#q').pressSequentially('zolc', { delay: 30 });
    await rowsAre(1);
    t.match(await page.locator('tbody#rows').textContent(), /Żaneta Żółć/);
    t.ok(await marked(), 'no page load');
    await page.waitForURL(/\?q=zolc$/u, { waitUntil: 'commit' });
    t.equal(new URL(page.url()).search, '?q=zolc', 'the URL holds the search, to bookmark or share');
    await page.goBack({ waitUntil: 'commit' });
    await rowsAre(50);
    t.equal(new URL(page.url()).search, '', 'back restores the unfiltered list');
    await page.goForward({ waitUntil: 'commit' });
    await rowsAre(1);
    await page.screenshot({ path: `${ARTIFACTS}/contacts-search.png`, fullPage: true });
  });

  await t.test('load more appends the next page', async (t) => {
    await page.locator('#q').fill('paged');
    await rowsAre(50);
    await mark();
    await page.getByRole('link', { name: 'Load more' }).click();
    await rowsAre(55);
    t.ok(await marked(), 'no page load');
    t.equal(await page.getByRole('link', { name: 'Load more' }).count(), 0, 'nothing more to load');
    t.match(page.url(), /cursor=/, 'the position is in the URL');
    await page.goto(`${base}/contacts`);
    await page.screenshot({ path: `${ARTIFACTS}/contacts-list.png`, fullPage: false });
  });

  await t.test('inline error for a taken name; add a sender row and save', async (t) => {
    await page.getByRole('link', { name: 'New contact' }).first().click();
    await page.waitForURL(/\/contacts\/new$/);
    await page.getByLabel('Name', { exact: true }).pressSequentially('jan kowalski', { delay: 20 });
    const nameCheck = page.locator('#name-check');
    await nameCheck.getByText('A contact named “Jan Kowalski” already exists.').waitFor();
    t.equal(await nameCheck.getByRole('link', { name: 'Open Jan Kowalski' }).count(), 1, 'the owner is linked');

    await page.getByLabel('Name', { exact: true }).fill('Browser Person');
    await page.getByLabel('Name', { exact: true }).press('Tab');
    await page.waitForFunction(() => (globalThis as unknown as Page).document.querySelector('#name-check')?.textContent?.trim() === '');
    await page.locator('input[name="senderValue"]').first().fill('browser@example.com');
    await mark();
    await page.getByRole('button', { name: 'Add sender' }).click();
    await countIs('#sender-rows .sender-row', 2);
    t.ok(await marked(), 'the row was added in place');
    t.equal(await page.locator('#sender-rows .sender-row').nth(1).locator('input[name="senderValue"]').evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement), true, 'the new row has the focus');
    const second = page.locator('#sender-rows .sender-row').nth(1);
    await second.locator('select[name="senderKind"]').selectOption('handle');
    await second.locator('input[name="senderValue"]').fill('browser_nick');
    await second.locator('input[name="senderPlatform"]').fill('allegro');
    // A third row, removed again in place.
    await page.getByRole('button', { name: 'Add sender' }).click();
    await countIs('#sender-rows .sender-row', 3);
    await page.locator('#sender-rows .sender-row').nth(2).getByRole('button', { name: 'Remove' }).click();
    t.equal(await page.locator('#sender-rows .sender-row').count(), 2);
    await page.getByLabel('Country').selectOption('PL');
    await page.getByLabel('Main shop').check();
    await page.getByLabel('Note').fill('Added from the browser test');
    await page.screenshot({ path: `${ARTIFACTS}/contact-form.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/\/contacts\/\d+$/);
    t.equal(await page.locator('h1').textContent(), 'Browser Person');
    const senders = await page.locator('.sender-list').textContent();
    t.match(senders, /browser@example\.com/);
    t.match(senders, /browser_nick/);
    t.match(await page.locator('main').textContent(), /Browser Person has been added/);
    await page.screenshot({ path: `${ARTIFACTS}/contact-details.png`, fullPage: true });
    const saved = await orm.em.fork().findOneOrFail(Contact, { name: 'Browser Person' }, { populate: ['senders'] });
    t.equal(saved.senders.length, 2);
    t.equal(saved.country, 'PL');
  });

  await t.test('a taken sender on save: the form comes back with the owner and what was typed', async (t) => {
    await page.goto(`${base}/contacts/new`);
    await page.getByLabel('Name', { exact: true }).fill('Copycat');
    await page.locator('input[name="senderValue"]').first().fill('JAN@example.com');
    await page.getByLabel('Note').fill('kept after the error');
    await mark();
    await page.getByLabel('Name', { exact: true }).press('Enter'); // Enter saves (it must not remove a sender row)
    await page.getByText('JAN@example.com already belongs to Jan Kowalski.').waitFor();
    t.ok(await marked(), 'the form was swapped in place');
    t.equal(await page.getByLabel('Note').inputValue(), 'kept after the error');
    t.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Copycat');
  });

  await t.test('delete with confirmation removes the row in place', async (t) => {
    await page.goto(`${base}/contacts?q=browser`);
    t.equal(await rowCount(), 1);
    await mark();
    await page.locator('tbody#rows').getByRole('link', { name: /^Delete\s*: Browser Person$/u }).click();
    await rowsAre(0);
    t.ok(await marked(), 'no page load');
    t.equal(await orm.em.fork().count(Contact, { name: 'Browser Person' }), 0);
  });

  await t.test('a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/contacts`);
    await page.screenshot({ path: `${ARTIFACTS}/contacts-phone.png`, fullPage: false });
  });

  t.same(problems, [], 'no CSP violations or script errors in the console');
});
