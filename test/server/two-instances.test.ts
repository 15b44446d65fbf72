// Two server processes on one database, 50 concurrent quick-adds of one customer through the API, the Slack
// shortcut and the panel's form (e-mail case variants): one contact, one sender row, everyone told the same owner.
import t from 'tap';
import pg from 'pg';
import { testDatabase } from '../helpers/db.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { startFakeSlack, interactionBody, shortcutPayload, signature, SIGNING_SECRET, BOT_TOKEN } from '../helpers/slack.ts';
import { TEST_API_TOKEN } from '../helpers/app.ts';

const ADMIN = { email: 'admin@example.com', password: 'two instances, one database' };
const VARIANTS = ['twin@example.com', 'TWIN@example.com', 'Twin@Example.Com'];

/** A signed-in panel session over real HTTP: cookie and CSRF token, valid on every instance (shared SESSION_SECRET). */
async function panelSession(server: ServerProcess): Promise<{ cookie: string; csrf: string }> {
  const cookieOf = (response: Response) => /contactdesk_session=[^;]+/u.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? '';
  const loginPage = await fetch(`${server.baseUrl}/login`);
  let cookie = cookieOf(loginPage);
  const csrf = /name="_csrf" value="([^"]+)"/u.exec(await loginPage.text())?.[1] ?? '';
  const login = await fetch(`${server.baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: ADMIN.email, password: ADMIN.password }),
  });
  if (login.status !== 303) throw new Error(`sign-in failed: ${login.status}`);
  cookie = cookieOf(login) || cookie;
  const formPage = await fetch(`${server.baseUrl}/contacts/new`, { headers: { cookie } });
  cookie = cookieOf(formPage) || cookie; // the CSRF secret is kept in the session
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/u.exec(await formPage.text())?.[1] ?? '' };
}

t.test('50 concurrent quick-adds of one sender across three faces and two instances', async (t) => {
  const { url } = await testDatabase(t);
  const fake = await startFakeSlack(t);
  const env = {
    DATABASE_URL: url,
    API_TOKEN: TEST_API_TOKEN,
    SESSION_SECRET: 'shared-session-secret-for-both-instances-0123',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: fake.apiUrl,
  };
  // Both start together: migrations and the bootstrap admin must settle that race too.
  const instances = await Promise.all([startServerProcess(t, env), startServerProcess(t, env)]);
  const session = await panelSession(instances[0]);

  type Answer = { face: string; status: number; ownerId: number | null };
  const viaApi = async (i: number): Promise<Answer> => {
    const response = await fetch(`${instances[i % 2].baseUrl}/api/v1/quick-add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requester: { kind: 'email', value: VARIANTS[i % 3], displayName: 'Twin Customer' } }),
    });
    const body = (await response.json()) as { contact?: { id: number }; error?: { owner?: { id: number } } };
    return { face: 'api', status: response.status, ownerId: body.contact?.id ?? body.error?.owner?.id ?? null };
  };
  const viaPanel = async (i: number): Promise<Answer> => {
    const response = await fetch(`${instances[i % 2].baseUrl}/contacts`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrf, name: `Panel Twin ${i}`, senderKind: 'email', senderValue: VARIANTS[i % 3] }),
    });
    const location = response.headers.get('location') ?? '';
    const html = await response.text();
    const owner = /\/contacts\/(\d+)$/u.exec(location)?.[1] ?? /<a href="\/contacts\/(\d+)">/u.exec(html)?.[1];
    return { face: 'panel', status: response.status, ownerId: owner ? Number(owner) : null };
  };
  const viaSlack = async (i: number): Promise<Answer> => {
    const responseUrl = fake.responseUrl(`shortcut-${i}`);
    const body = interactionBody(
      shortcutPayload({
        callbackId: 'add_requester',
        user: `U0AGENT${i}`, // one agent per click: the same agent clicking twice is a double click, answered once
        responseUrl,
        // Slack sends < and > in message text as entities.
        message: { text: `From: Twin Customer &lt;${VARIANTS[i % 3]}&gt;\nHello, where is my parcel?`, user: 'U0BOT', ts: `1700000000.00${i}` },
      }),
    );
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await fetch(`${instances[i % 2].baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature(body, timestamp) },
      body,
    });
    await response.text();
    // The answer arrives after the ack, at the response URL.
    for (let wait = 0; wait < 100 && !fake.calls('response_url').some((c) => c.path.endsWith(`shortcut-${i}`)); wait++) await new Promise((r) => setTimeout(r, 100));
    const reply = fake.calls('response_url').find((c) => c.path.endsWith(`shortcut-${i}`));
    const owner = /\/contacts\/(\d+)/u.exec(JSON.stringify(reply?.body ?? {}))?.[1];
    return { face: 'slack', status: response.status, ownerId: owner ? Number(owner) : null };
  };

  const faces = [viaApi, viaSlack, viaPanel];
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => faces[i % 3](i)));

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows: senders } = await client.query("select contact_id from sender where kind = 'email' and normalized = 'twin@example.com'");
  const { rows: contacts } = await client.query('select id, name from contact');
  const { rows: admins } = await client.query('select count(*)::int as n from app_user');
  await client.end();

  t.equal(senders.length, 1, 'one sender row');
  t.equal(contacts.length, 1, `one contact, no orphans (${contacts.map((c) => c.name).join(', ')})`);
  t.equal(admins[0].n, 1, 'one bootstrap admin although both instances started together');
  const owner = contacts[0]?.id;
  const told = answers.filter((a) => a.ownerId === owner);
  t.same(answers.filter((a) => a.ownerId !== owner), [], `all 50 callers were told the same owner (${told.length})`);
  t.same([...new Set(answers.map((a) => a.face))].sort(), ['api', 'panel', 'slack']);
});
