import t from 'tap';
import { testApp, apiAuth } from '../helpers/app.ts';

t.test('the server answers health, readiness and an authenticated API call', async (t) => {
  const { app } = await testApp(t);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  t.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/contacts' })).statusCode, 401);
  const list = await app.inject({ url: '/api/v1/contacts', headers: apiAuth });
  t.same(list.json(), { items: [], nextCursor: null, capped: false });
});
