import { describe, expect, it } from 'vitest';
import { refreshingToken, staticToken } from '../../src/webex/token.js';
import type { Clock } from '../../src/webex/clock.js';

function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) };
}

interface Grant {
  url: string;
  form: URLSearchParams;
  contentType: string | null;
}

function fakeTokenEndpoint(answers: Array<{ status?: number; body: unknown }>): { fetch: typeof fetch; grants: Grant[] } {
  const grants: Grant[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    grants.push({ url: String(input), form: new URLSearchParams(String(init?.body)), contentType: new Headers(init?.headers).get('content-type') });
    // Let concurrent callers pile up before answering.
    await new Promise((r) => setTimeout(r, 5));
    const a = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetch: f, grants };
}

const base = { baseUrl: 'https://webexapis.com/v1/', clientId: 'cid', clientSecret: 'csecret-value', refreshToken: 'rt-1' };

describe('refreshingToken', () => {
  it('refreshes once for many concurrent callers, with the documented form grant', async () => {
    const ep = fakeTokenEndpoint([{ body: { access_token: 'at-1', expires_in: 1209600, refresh_token: 'rt-2' } }]);
    const p = refreshingToken({ ...base, fetch: ep.fetch, clock: fakeClock() });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => p.getToken()));
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(ep.grants).toHaveLength(1);
    const g = ep.grants[0]!;
    expect(g.url).toBe('https://webexapis.com/v1/access_token');
    expect(g.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(g.form)).toEqual({ grant_type: 'refresh_token', client_id: 'cid', client_secret: 'csecret-value', refresh_token: 'rt-1' });
    expect(p.refreshes).toBe(1);
  });

  it('refreshes before expiry (margin) and uses the rotated refresh token', async () => {
    const clock = fakeClock();
    const ep = fakeTokenEndpoint([
      { body: { access_token: 'at-1', expires_in: 3600, refresh_token: 'rt-2' } },
      { body: { access_token: 'at-2', expires_in: 3600 } },
    ]);
    const seen: string[] = [];
    const p = refreshingToken({ ...base, fetch: ep.fetch, clock, refreshMarginMs: 60_000, onRefreshed: (t) => seen.push(t.refreshToken) });
    expect(await p.getToken()).toBe('at-1');
    clock.advance(3600_000 - 60_001);
    expect(await p.getToken()).toBe('at-1');
    clock.advance(2);
    expect(await p.getToken()).toBe('at-2');
    expect(ep.grants.map((g) => g.form.get('refresh_token'))).toEqual(['rt-1', 'rt-2']);
    expect(seen).toEqual(['rt-2', 'rt-2']);
  });

  it('uses a token already in hand until it is due', async () => {
    const clock = fakeClock();
    const ep = fakeTokenEndpoint([{ body: { access_token: 'fresh', expires_in: 600 } }]);
    const p = refreshingToken({ ...base, fetch: ep.fetch, clock, accessToken: 'given', expiresAt: clock.now() + 3600_000 });
    expect(await p.getToken()).toBe('given');
    p.invalidate();
    expect(await p.getToken()).toBe('fresh');
  });

  it('fails with AUTH_FAILED (pause) on a refused grant, without secrets in the message, and tries again next time', async () => {
    const ep = fakeTokenEndpoint([
      { status: 400, body: { message: 'invalid refresh token', trackingId: 'NA_123' } },
      { body: { access_token: 'at-ok', expires_in: 600 } },
    ]);
    const p = refreshingToken({ ...base, fetch: ep.fetch, clock: fakeClock() });
    const err = (await p.getToken().then(() => undefined, (e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toContain('NA_123');
    for (const secret of ['rt-1', 'csecret-value']) expect(err.message).not.toContain(secret);
    expect(await p.getToken()).toBe('at-ok');
  });

  it('treats a 5xx or a malformed answer as UNAVAILABLE (retriable)', async () => {
    const ep = fakeTokenEndpoint([{ status: 503, body: {} }, { body: { access_token: 'x' } }]);
    const p = refreshingToken({ ...base, fetch: ep.fetch, clock: fakeClock() });
    await expect(p.getToken()).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    await expect(p.getToken()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('needs client id, secret and refresh token', () => {
    expect(() => refreshingToken({ ...base, clientSecret: '' })).toThrow(/clientSecret/);
    expect(() => staticToken('')).toThrow(/empty/);
  });
});
