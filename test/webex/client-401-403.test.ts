import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient } from '../../src/webex/client.js';
import { refreshingToken } from '../../src/webex/token.js';
import { toWebexError } from '../../src/webex/webex-error.js';
import { clientFixture } from './sim-support.js';

/**
 * 401 and 403 from Webex (docs/failure-answers.md, Webex): a refused token is refreshed once and
 * the request tried again; without a working refresh it is AUTH_FAILED, whose disposition is
 * `pause` (retriable: the runner waits and alerts, no message is dead-lettered for it).
 * The simulator accepts only the tokens the test says; the OAuth grant (POST /v1/access_token,
 * docs/webex-client.md) is answered by a stand-in here, as in token.test.ts.
 */
const silent = createLogger({ level: 'silent' });
let sim: WebexSimulator;
let accepted = new Set<string>();
beforeAll(async () => { sim = await startWebexSimulator({ fixture: clientFixture(), acceptToken: (t) => accepted.has(t) }); });
afterAll(() => sim.close());

function grantEndpoint(tokens: string[]): { fetch: typeof fetch; grants: number } {
  const state = { grants: 0, fetch: undefined as unknown as typeof fetch };
  state.fetch = (async () => {
    state.grants += 1;
    const token = tokens.shift();
    return token
      ? new Response(JSON.stringify({ access_token: token, expires_in: 3600 }), { status: 200, headers: { 'content-type': 'application/json' } })
      : new Response(JSON.stringify({ message: 'invalid refresh token' }), { status: 400, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return state;
}

function clientWith(tokens: string[]) {
  const ep = grantEndpoint(tokens);
  const token = refreshingToken({ baseUrl: sim.baseUrl, clientId: 'cid', clientSecret: 'secret', refreshToken: 'rt', accessToken: 'expired', expiresAt: Date.now() + 3600_000, fetch: ep.fetch });
  return { client: createWebexClient({ baseUrl: sim.baseUrl, token, log: silent }), ep, token };
}

describe('Webex 401 and 403', () => {
  it('401: refreshes the token once and the request succeeds', async () => {
    accepted = new Set(['fresh']);
    const { client, ep, token } = clientWith(['fresh']);
    await expect(client.rooms.get(sim.ids.room('big'))).resolves.toMatchObject({ title: 'Rates chat' });
    expect(ep.grants).toBe(1);
    expect(token.refreshes).toBe(1);
  });

  it('many requests in flight with an expired token: one refresh between them, every request succeeds', async () => {
    accepted = new Set(['fresh-2']);
    const { client, ep } = clientWith(['fresh-2', 'fresh-3']);
    const rooms = await Promise.all(Array.from({ length: 4 }, () => client.rooms.get(sim.ids.room('big'))));
    expect(rooms.every((r) => r.title === 'Rates chat')).toBe(true);
    expect(ep.grants).toBe(1);
  });

  it('401 again after the refresh: AUTH_FAILED, pause (retriable), one refresh only', async () => {
    accepted = new Set(['fresh']);
    const { client, ep } = clientWith(['still-refused']);
    await expect(client.rooms.get(sim.ids.room('big'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true, status: 401 });
    expect(ep.grants).toBe(1);
  });

  it('401 when the refresh itself is refused: AUTH_FAILED, pause', async () => {
    accepted = new Set(['fresh']);
    const { client } = clientWith([]);
    await expect(client.rooms.get(sim.ids.room('big'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true });
  });

  it('401 with a fixed token (nothing to refresh): AUTH_FAILED, pause', async () => {
    accepted = new Set(['fresh']);
    const client = createWebexClient({ baseUrl: sim.baseUrl, token: 'fixed-but-revoked', log: silent });
    await expect(client.rooms.get(sim.ids.room('big'))).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', status: 401 });
  });

  it('403 (missing scope or compliance role) is AUTH_FAILED, pause; 428 is decided by status, whatever the text', () => {
    expect(toWebexError({ method: 'GET', path: '/v1/events', status: 403, bodyText: JSON.stringify({ message: 'Not authorized', trackingId: 'T1' }) })).toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', reason: 'forbidden' });
    expect(toWebexError({ method: 'GET', path: '/v1/contents/x', status: 428, bodyText: JSON.stringify({ message: 'File(s) cannot be scanned for malware and need to be force downloaded.' }) })).toMatchObject({ reason: 'unscannable', retriable: false });
  });
});
