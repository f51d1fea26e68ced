import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { WebexHttp, type WebexHttpOptions } from '../../src/webex/http.js';
import { virtualClock } from './sim-support.js';

// The transport alone, with a scripted fetch: what goes on the wire and what comes back.

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

function scripted(answers: Array<() => Response>): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const f = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers), body: init?.body as string | undefined });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next();
  }) as typeof fetch;
  return { fetch: f, sent };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function http(extra: Partial<WebexHttpOptions> & { fetch: typeof fetch }): WebexHttp {
  return new WebexHttp({ baseUrl: 'https://webexapis.com/v1/', token: 'tok-secret-123', log: createLogger({ level: 'silent' }), clock: virtualClock(), random: () => 0.5, ...extra });
}

describe('WebexHttp', () => {
  it('sends the bearer token in the Authorization header only, JSON bodies, and joined array queries', async () => {
    const s = scripted([() => json({ id: 'w' }, 200)]);
    const h = http({ fetch: s.fetch });
    await h.json('POST', '/webhooks', { json: { name: 'n' }, query: { id: ['a', 'b'], skip: undefined, max: 5 } });
    const [req] = s.sent;
    expect(req!.url).toBe('https://webexapis.com/v1/webhooks?id=a%2Cb&max=5');
    expect(req!.method).toBe('POST');
    expect(req!.headers.get('authorization')).toBe('Bearer tok-secret-123');
    expect(req!.headers.get('content-type')).toBe('application/json');
    expect(req!.body).toBe('{"name":"n"}');
  });

  it('refuses absolute URLs on another origin', () => {
    const h = http({ fetch: scripted([]).fetch });
    expect(() => h.resolve('http://webexapis.com/v1/x')).toThrow(/Refusing/);
    expect(h.resolve('https://webexapis.com/v1/contents/abc')).toBe('https://webexapis.com/v1/contents/abc');
  });

  it('a 2xx body that is not JSON is retried, then UNAVAILABLE', async () => {
    const html = (): Response => new Response('<html>proxy</html>', { status: 200 });
    const h = http({ fetch: scripted([html, html]).fetch, retry: { maxAttempts: 2 } });
    await expect(h.json('GET', '/rooms')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/not JSON/) });
  });

  it('a 429 with a text/html body is RATE_LIMITED with Retry-After; the trackingId header is used when the body has none', async () => {
    const tooMany = (): Response => new Response('<html>429</html>', { status: 429, headers: { 'retry-after': '3600', 'content-type': 'text/html', trackingid: 'ROUTER_ABC' } });
    const h = http({ fetch: scripted([tooMany]).fetch, retry: { maxRateLimitRetries: 0 } });
    await expect(h.json('GET', '/rooms')).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600, trackingId: 'ROUTER_ABC' });
  });

  it('error messages carry Webex message and trackingId, never the token even when echoed', async () => {
    const h = http({ fetch: scripted([() => json({ message: 'bad token tok-secret-123', trackingId: 'NA_1' }, 400)]).fetch });
    const err = (await h.json('GET', '/rooms').then(() => undefined, (e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'BAD_INPUT', status: 400, trackingId: 'NA_1' });
    expect(err.message).toBe('Webex GET /v1/rooms answered 400: bad token [redacted] (trackingId NA_1)');
  });

  it('a throwing observer never fails a request', async () => {
    const h = http({ fetch: scripted([() => json({ items: [] })]).fetch, observer: { onRequest: () => { throw new Error('metrics down'); } } });
    await expect(h.json('GET', '/rooms')).resolves.toMatchObject({ body: { items: [] } });
  });

  it('the caller can abort while the client waits out a 429', async () => {
    const clock = { now: () => Date.now(), sleep: (_ms: number, signal?: AbortSignal) => new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))) };
    const h = http({ fetch: scripted([() => new Response('', { status: 429, headers: { 'retry-after': '60' } })]).fetch, clock });
    const ctrl = new AbortController();
    const p = h.json('GET', '/rooms', { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(new Error('shutting down')), 20);
    await expect(p).rejects.toThrow('shutting down');
    expect(h.load).toEqual({ inFlight: 0, queued: 0 });
  });
});
