import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient } from '../../src/webex/client.js';
import { refreshingToken } from '../../src/webex/token.js';
import { capturedLogger, clientFixture, virtualClock } from './sim-support.js';

// Tokens (docs/webex-api.md §5) and file streaming (§1, File contents) against the simulator. Every
// test here logs at trace level into a buffer; no token string may ever appear in it.

const ACCEPTED = new Set<string>(['static-token-0123456789']);
let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startWebexSimulator({ fixture: clientFixture(), acceptToken: (t) => ACCEPTED.has(t) });
});
afterEach(() => {
  sim.faults.clear();
  sim.resetStats();
});
afterAll(() => sim.close());

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A stand-in for POST /v1/access_token: each grant issues the next token and rotates the refresh token. */
async function startTokenServer(): Promise<{ baseUrl: string; grants: URLSearchParams[]; issued: string[]; close(): Promise<void> }> {
  const grants: URLSearchParams[] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      grants.push(form);
      const n = grants.length;
      if (req.url !== '/v1/access_token' || form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== `refresh-secret-${n}`) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'bad grant', trackingId: 'NA_TOKEN' }));
        return;
      }
      const token = `access-secret-${n}-abcdef`;
      issued.push(token);
      // The previous access token stops working once a new one is issued.
      for (const t of [...ACCEPTED]) if (t.startsWith('access-secret-')) ACCEPTED.delete(t);
      ACCEPTED.add(token);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          access_token: token, expires_in: 3600, refresh_token: `refresh-secret-${n + 1}`, refresh_token_expires_in: 7776000,
        }));
      }, 10);
    });
  });
  const base = await listen(server);
  return { baseUrl: `${base}/v1`, grants, issued, close: () => new Promise((r) => server.close(() => r())) };
}

describe('tokens', () => {
  it('refresh-token grant: one refresh for concurrent callers, again before expiry; no token in any log or error', async () => {
    const tokens = await startTokenServer();
    const clock = virtualClock();
    const logs = capturedLogger();
    try {
      const provider = refreshingToken({
        baseUrl: tokens.baseUrl, clientId: 'client-id', clientSecret: 'client-secret-xyz', refreshToken: 'refresh-secret-1',
        clock, log: logs.log, refreshMarginMs: 5 * 60_000,
      });
      const client = createWebexClient({ baseUrl: sim.baseUrl, token: provider, clock, log: logs.log, retry: { baseDelayMs: 1 } });
      const people = await Promise.all(Array.from({ length: 8 }, () => client.people.me()));
      expect(people.every((p) => p.id === sim.meId)).toBe(true);
      expect(tokens.grants).toHaveLength(1);
      expect(Object.fromEntries(tokens.grants[0]!)).toEqual({
        grant_type: 'refresh_token', client_id: 'client-id', client_secret: 'client-secret-xyz', refresh_token: 'refresh-secret-1',
      });

      // 55 minutes in, the token is within the 5-minute margin: refreshed before it expires.
      await clock.sleep(55 * 60_000 + 1);
      expect((await client.rooms.get(sim.ids.room('big'))).title).toBe('Rates chat');
      expect(tokens.grants).toHaveLength(2);
      expect(tokens.grants[1]!.get('refresh_token')).toBe('refresh-secret-2');
      expect(sim.stats.byStatus['401']).toBeUndefined();

      // Errors and retries get logged; none of it may carry a secret.
      sim.faults.set({ serverErrors: { count: 2, status: 500 } });
      await client.people.me();
      const err = await client.messages.get('nope', { retryNotFound: 1 }).catch((e: unknown) => e as Error);
      const text = logs.text() + JSON.stringify(err) + String((err as Error).message);
      expect(logs.text()).toMatch(/webex request will be retried/);
      for (const secret of [...tokens.issued, 'refresh-secret-1', 'refresh-secret-2', 'refresh-secret-3', 'client-secret-xyz']) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await tokens.close();
    }
  });

  it('401 with a fixed token is AUTH_FAILED (pause), not retried; the token is not in the error or the log', async () => {
    const logs = capturedLogger();
    const token = 'refused-token-9876543210';
    const client = createWebexClient({ baseUrl: sim.baseUrl, token, log: logs.log });
    const err = (await client.people.me().then(() => undefined, (e: unknown) => e)) as Error & { code: string };
    expect(err).toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', status: 401, reason: 'unauthorized' });
    expect(sim.stats.requests).toBe(1);
    expect(err.message + JSON.stringify(err) + logs.text()).not.toContain(token);
  });

  it('never sends the token to another origin (a files URL or a next link elsewhere)', async () => {
    const client = createWebexClient({ baseUrl: sim.baseUrl, token: 'static-token-0123456789' });
    await expect(client.contents.head('https://evil.example/v1/contents/abc')).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(sim.stats.requests).toBe(0);
  });
});

describe('contents', () => {
  const token = 'static-token-0123456789';

  it('HEAD gives filename (RFC 6266 filename*), type and length; GET streams the bytes and frees the slot', async () => {
    const client = createWebexClient({ baseUrl: sim.baseUrl, token, maxInFlight: 1 });
    const expected = sim.expected().find((v) => v.messageKey === 'large')!.files[0]!;
    const info = await client.contents.head(expected.url);
    expect(info).toEqual({ filename: 'Résumé 報告.bin', contentType: 'application/octet-stream', contentLength: 3_000_000, unscannable: false });

    const { body } = await client.contents.open(expected.url);
    expect(client.http.load.inFlight).toBe(1);
    const hash = createHash('sha256');
    let chunks = 0;
    for await (const chunk of body) {
      hash.update(chunk as Buffer);
      chunks += 1;
    }
    expect(hash.digest('hex')).toBe(expected.sha256);
    expect(chunks).toBeGreaterThan(1);
    expect(client.http.load.inFlight).toBe(0);
  });

  it('a stream destroyed half way gives its slot back', async () => {
    const client = createWebexClient({ baseUrl: sim.baseUrl, token, maxInFlight: 1 });
    const { body } = await client.contents.open(sim.ids.content('large'));
    for await (const _ of body) break;
    await new Promise((r) => setImmediate(r));
    expect(client.http.load.inFlight).toBe(0);
    expect((await client.people.me()).id).toBe(sim.meId);
  });

  it('a download that stalls fails with TIMEOUT instead of hanging', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="slow.pdf"' });
      res.write('partial');
      // ...and then nothing.
    });
    const base = await listen(server);
    try {
      const client = createWebexClient({ baseUrl: `${base}/v1`, token, streamIdleTimeoutMs: 100 });
      const { info, body } = await client.contents.open('abc');
      expect(info.filename).toBe('slow.pdf');
      const read = (async () => {
        for await (const _ of body) void _;
      })();
      await expect(read).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(client.http.load.inFlight).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
