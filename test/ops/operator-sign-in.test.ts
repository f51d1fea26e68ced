import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReceiver } from '../../src/capture/receiver.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { createOperatorSessions, type OperatorSessions } from '../../src/ops/operator-sessions.js';
import { registerOpsRoutes } from '../../src/ops/routes.js';
import { createSignInLimiter, type SignInLimiter } from '../../src/ops/sign-in-limiter.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';

/**
 * Operator sign-in on the receiver's app as deployed (buildReceiver + registerOpsRoutes, the real
 * broker behind them): server-side sessions, malformed credentials, the Secure flag behind a
 * trusted proxy, and the limit on failed sign-ins.
 */
const TOKEN = 'own-operator-token-0123456789';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let rt: Runtime;
const apps: FastifyInstance[] = [];
beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_OPERATOR_TOKEN: TOKEN })); });
afterAll(async () => { for (const a of apps) await a.close(); await rt?.close(); });

/** The receiver with the operator routes; `lines` collects what it logs. */
async function receiver(opts: { config?: Partial<Config>; sessions?: OperatorSessions; limiter?: SignInLimiter } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }) });
  const config = { ...rt.config, ...opts.config };
  const app = buildReceiver({ config, publisher: rt.publisher, logger });
  registerOpsRoutes(app, { ...rt, config, logger, tailOutcomes: false, lagTtlMs: 0, sessions: opts.sessions, limiter: opts.limiter });
  await app.ready();
  apps.push(app);
  return { app, log: () => lines.join('') };
}

const signIn = (app: FastifyInstance, token: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/ops/login', headers: { ...FORM, ...headers }, payload: `token=${encodeURIComponent(token)}` });
/** The Set-Cookie headers of a response, by cookie name. */
const setCookies = (res: { headers: Record<string, unknown> }): Record<string, string> => {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
  return Object.fromEntries(list.map((c) => [c.split('=')[0]!, c]));
};
const cookieOf = (res: { headers: Record<string, unknown> }) => setCookies(res).wxa_session!.split(';')[0]!;
const status = (app: FastifyInstance, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/ops/api/status', headers });

describe('operator sessions over HTTP', () => {
  it('sign-in sets a cookie with a session id, not the token; the session opens the dashboard until sign-out', async () => {
    const { app } = await receiver();
    const res = await signIn(app, TOKEN);
    expect(res.statusCode).toBe(303);
    const set = setCookies(res);
    expect(set.wxa_session).toMatch(/^wxa_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    // The cookie that used to hold the token itself is expired, so it leaves the browser.
    expect(set.wxa_operator).toBe('wxa_operator=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
    expect(JSON.stringify(set)).not.toContain(TOKEN);
    expect(JSON.stringify(set)).not.toContain(encodeURIComponent(TOKEN));
    const cookie = cookieOf(res);
    expect((await status(app, { cookie })).statusCode).toBe(200);

    const out = await app.inject({ method: 'POST', url: '/ops/logout', headers: { cookie } });
    expect(out.statusCode).toBe(303);
    expect(setCookies(out).wxa_session).toMatch(/^wxa_session=; .*Max-Age=0$/);
    // The old cookie is dead on the server, whatever the browser keeps.
    expect((await status(app, { cookie })).statusCode).toBe(401);
  });

  it('rotating the operator token ends every session opened with the old one', async () => {
    const sessions = createOperatorSessions();
    const before = await receiver({ sessions });
    const cookie = cookieOf(await signIn(before.app, TOKEN));
    expect((await status(before.app, { cookie })).statusCode).toBe(200);
    const after = await receiver({ sessions, config: { operatorToken: 'the-next-operator-token-987654' } });
    expect((await status(after.app, { cookie })).statusCode).toBe(401);
  });

  it('a malformed, foreign or forged cookie or Authorization header is 401, never 500', async () => {
    // Wrong Bearer tokens count as failed sign-ins; a roomy limit here (the limit has its own test).
    const { app } = await receiver({ limiter: createSignInLimiter({ maxFailures: 1000 }) });
    const corpus: Record<string, string>[] = [
      { cookie: 'wxa_session=%E0%A4%A' }, { cookie: 'wxa_operator=%E0%A4%A' }, { cookie: `wxa_operator=${TOKEN}` },
      { cookie: 'wxa_session=' }, { cookie: 'wxa_session="' }, { cookie: '=;;;=' }, { cookie: ';' },
      { cookie: `wxa_session=${'A'.repeat(43)}` }, { cookie: `wxa_session=${TOKEN}` }, { cookie: `wxa_session=${'x'.repeat(8000)}` },
      { cookie: 'wxa_session=a; wxa_session=b' }, { cookie: 'wxa_session=\u00e9\u00e9' },
      { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: 'Basic Zm9vOmJhcg==' },
      { authorization: 'Bearer %E0%A4%A' }, { authorization: `bearer  ${TOKEN.slice(1)}` }, { authorization: 'Negotiate' },
    ];
    for (const headers of corpus) {
      for (const url of ['/ops/', '/ops/api/status', '/ops/log?format=csv']) {
        const res = await app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(401);
      }
      const replay = await app.inject({ method: 'POST', url: '/ops/replay', headers, payload: { processor: 'hydrate', toEarliest: true } });
      expect(replay.statusCode, `replay ${JSON.stringify(headers)}`).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/ops/logout', headers })).statusCode).toBe(303);
    }
    // A Bearer token is still accepted, in any letter case of the scheme (RFC 7235 §2.1).
    expect((await status(app, { authorization: `bearer ${TOKEN}` })).statusCode).toBe(200);
  });

  describe('Secure behind a TLS-terminating proxy (WXA_RECEIVER_TRUST_PROXY)', () => {
    const https = { 'x-forwarded-proto': 'https' };
    it.each([
      ['not trusted (default): X-Forwarded-Proto is ignored', false, https, false],
      ['the proxy (our peer 127.0.0.1) trusted, browser on HTTPS', '127.0.0.1', https, true],
      ['trusted by CIDR', '127.0.0.0/8,10.0.0.0/8', https, true],
      ['trusted, browser on plain HTTP', '127.0.0.1', { 'x-forwarded-proto': 'http' }, false],
      ['another address trusted, not our peer', '10.1.2.3', https, false],
      ['one hop trusted', 1, https, true],
      ['every peer trusted', true, https, true],
    ] as const)('%s', async (_what, trustProxy, headers, secure) => {
      const { app } = await receiver({ config: { receiverTrustProxy: trustProxy } });
      const res = await signIn(app, TOKEN, headers);
      expect(res.statusCode).toBe(303);
      expect(setCookies(res).wxa_session!.endsWith('; Secure')).toBe(secure);
    });
  });

  describe('failed sign-ins', () => {
    it('are limited per address (429, Retry-After, no comparison), logged with the address and never with the presented value', async () => {
      const { app, log } = await receiver({ limiter: createSignInLimiter({ maxFailures: 3 }) });
      const guesses = ['guess-number-one-aaaa', 'guess-number-two-bbbb', 'guess-number-three-c'];
      for (const g of guesses) expect((await signIn(app, g)).statusCode).toBe(401);
      const limited = await signIn(app, TOKEN);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['set-cookie']).toBeUndefined();
      // The same count covers a guessed Bearer token.
      const bearer = await status(app, { authorization: `Bearer ${TOKEN}` });
      expect(bearer.statusCode).toBe(429);
      const text = log();
      expect(text).toContain('operator sign-in refused: wrong token');
      expect(text).toContain('too many failures from this address');
      expect(text).toContain('"ip":"127.0.0.1"');
      for (const g of [...guesses, TOKEN]) expect(text).not.toContain(g);
    });

    it('behind a trusted proxy, per client (X-Forwarded-For), so one client cannot lock out the others', async () => {
      const { app } = await receiver({ config: { receiverTrustProxy: '127.0.0.1' }, limiter: createSignInLimiter({ maxFailures: 2 }) });
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      for (let i = 0; i < 2; i++) expect((await signIn(app, 'a-wrong-guess-of-the-token', from('203.0.113.7'))).statusCode).toBe(401);
      expect((await signIn(app, TOKEN, from('203.0.113.7'))).statusCode).toBe(429);
      expect((await signIn(app, TOKEN, from('198.51.100.20'))).statusCode).toBe(303);
    });
  });

  it('over a real socket: sign-in through a trusted proxy gets a Secure session cookie that works, a malformed one gets 401', async () => {
    const { app } = await receiver({ config: { receiverTrustProxy: '127.0.0.1' } });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/ops/login`, { method: 'POST', redirect: 'manual', headers: { ...FORM, 'x-forwarded-proto': 'https' }, body: `token=${encodeURIComponent(TOKEN)}` });
    expect(res.status).toBe(303);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('wxa_session=')) ?? '';
    expect(setCookie).toMatch(/^wxa_session=[A-Za-z0-9_-]{43}; .*; Secure$/);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${base}/ops/api/status`, { headers: { cookie } })).status).toBe(200);
    const bad = await fetch(`${base}/ops/api/status`, { headers: { cookie: 'wxa_session=%E0%A4%A; wxa_operator=%' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: 'unauthorized' });
  });
});
