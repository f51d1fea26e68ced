import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient, type WebexClientOptions } from '../../src/webex/client.js';
import type { RetryReason } from '../../src/webex/retry.js';
import { clientFixture, virtualClock } from './sim-support.js';

// The retry policy against the simulator's faults: 429 storms and a per-token rate limit
// (docs/webex-api.md §3), 5xx bursts, and the anti-malware answers 423/410/428 (§1, File contents).
// The client runs on a virtual clock, so waits cost no real time yet are measured.

const silent = createLogger({ level: 'silent' });

let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startWebexSimulator({ fixture: clientFixture() });
});
afterEach(() => {
  sim.faults.clear();
  sim.resetStats();
});
afterAll(() => sim.close());

function observed(): { retries: RetryReason[]; rateLimited: number[]; requests: number; observer: NonNullable<WebexClientOptions['observer']> } {
  const o = {
    retries: [] as RetryReason[],
    rateLimited: [] as number[],
    requests: 0,
    observer: {
      onRequest: () => void (o.requests += 1),
      onRetry: (reason: RetryReason) => void o.retries.push(reason),
      onRateLimited: (seconds: number) => void o.rateLimited.push(seconds),
    },
  };
  return o;
}

/** A port nobody listens on: bound, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function makeClient(extra: Partial<WebexClientOptions> = {}) {
  const clock = virtualClock();
  const obs = observed();
  const client = createWebexClient({ baseUrl: sim.baseUrl, token: 'test-token', log: silent, clock, observer: obs.observer, random: () => 0.5, ...extra });
  return { client, clock, obs };
}

describe('429', () => {
  it('a storm: waits as told each time, then succeeds', async () => {
    const { client, clock, obs } = makeClient();
    sim.faults.set({ storm: { count: 4, retryAfter: 7 } });
    const t0 = clock.now();
    const room = await client.rooms.get(sim.ids.room('big'));
    expect(room.title).toBe('Rates chat');
    expect(obs.rateLimited).toEqual([7, 7, 7, 7]);
    expect(obs.retries).toEqual(['rate-limited', 'rate-limited', 'rate-limited', 'rate-limited']);
    // The pause runs from each 429's arrival (the client-wide gate), so the virtual clock moved on
    // by at least 4 x 7 s, and the sleeps themselves were never longer than told (the real
    // milliseconds between a 429 and its sleep count toward the wait).
    expect(clock.now() - t0).toBeGreaterThanOrEqual(28_000);
    expect(clock.slept).toBeLessThanOrEqual(28_000);
    expect(clock.slept).toBeGreaterThan(27_000);
    expect(sim.stats.served429).toBe(4);
    expect(sim.stats.requests).toBe(5);
  });

  it('gives up with RATE_LIMITED and the told wait after maxRateLimitRetries', async () => {
    const { client } = makeClient({ retry: { maxRateLimitRetries: 2 } });
    sim.faults.set({ storm: { count: 10, retryAfter: 30 } });
    const err = await client.rooms.get(sim.ids.room('big')).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RATE_LIMITED', retriable: true, retryAfterSeconds: 30, status: 429 });
    expect(sim.stats.served429).toBe(3);
  });

  it('a per-token rate limit: concurrent callers all succeed without hammering the limit', async () => {
    // A simulator of its own sharing the client's virtual clock, so a 60 s window costs nothing.
    const clock = virtualClock();
    const limited = await startWebexSimulator({ fixture: clientFixture(), now: clock.now, rateLimit: { perMinute: 10 } });
    try {
      const obs = observed();
      const maxInFlight = 3;
      const client = createWebexClient({ baseUrl: limited.baseUrl, token: 'test-token', log: silent, clock, observer: obs.observer, maxInFlight });
      clock.busyWhile(() => client.http.load.inFlight > 0);
      const started = clock.now();
      const ids = Array.from({ length: 40 }, (_, i) => limited.ids.message(`b${i}`));
      const got = await Promise.all(ids.map((id) => client.messages.get(id)));
      expect(got.map((m) => m.id)).toEqual(ids);
      const stats = limited.stats;
      expect(stats.byStatus['200']).toBe(40);
      // 40 requests at 10 a minute need three full windows of waiting, which the client sat out,
      // and not much more.
      expect(clock.now() - started).toBeGreaterThanOrEqual(3 * 60_000);
      expect(clock.now() - started).toBeLessThan(4 * 60_000);
      // After a 429 every caller pauses (limits are per user), so each window costs at most the
      // requests already in flight: never a retry storm.
      const windows = Math.ceil((clock.now() - started) / 60_000) + 1;
      expect(stats.served429).toBeLessThanOrEqual(maxInFlight * windows);
      expect(stats.maxInFlight).toBeLessThanOrEqual(maxInFlight);
      expect(obs.rateLimited.length).toBe(stats.served429);
      expect(obs.rateLimited.every((s) => s >= 1 && s <= 60)).toBe(true);
    } finally {
      await limited.close();
    }
  });
});

describe('5xx and timeouts', () => {
  it('a burst of 503s is retried with backoff', async () => {
    const { client, clock, obs } = makeClient();
    sim.faults.set({ serverErrors: { count: 3, status: 503 } });
    expect((await client.people.me()).id).toBe(sim.meId);
    expect(obs.retries).toEqual(['server-error', 'server-error', 'server-error']);
    // Equal jitter at 0.5 of 500, 1000, 2000 ms.
    expect(clock.slept).toBe(375 + 750 + 1500);
    expect(sim.stats.served5xx).toBe(3);
  });

  it('a longer burst ends in UNAVAILABLE with the trackingId, after maxAttempts tries', async () => {
    const { client, obs } = makeClient({ retry: { maxAttempts: 3 } });
    sim.faults.set({ serverErrors: { count: 10, status: 502 } });
    const err = (await client.people.me().then(() => undefined, (e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'UNAVAILABLE', retriable: true, status: 502 });
    expect(err.message).toMatch(/GET \/v1\/people\/me answered 502: .*\(trackingId ROUTER_[0-9A-F-]+\)/);
    expect(obs.requests).toBe(3);
  });

  it('a slow answer times out per try, is retried, and ends in TIMEOUT', async () => {
    const { client, obs } = makeClient({ timeoutMs: 50, retry: { maxAttempts: 2 } });
    sim.faults.set({ delayMs: 300 });
    await expect(client.people.me()).rejects.toMatchObject({ code: 'TIMEOUT', retriable: true });
    expect(obs.retries).toEqual(['timeout']);
  });

  it('an unreachable host ends in UNAVAILABLE after bounded retries', async () => {
    const port = await closedPort();
    const { client, obs } = makeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, retry: { maxAttempts: 2 } });
    await expect(client.people.me()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/network error ECONNREFUSED/) });
    expect(obs.retries).toEqual(['network']);
  });
});

describe('file anti-malware answers', () => {
  it('423: waits Retry-After and retries until the scan is done', async () => {
    const { client, clock, obs } = makeClient();
    sim.faults.set({ files: { 'pdf#0': { scanning: 2, retryAfter: 5 } } });
    const { info, body } = await client.contents.open(sim.ids.content('pdf'));
    const bytes: Buffer[] = [];
    for await (const c of body) bytes.push(c as Buffer);
    expect(Buffer.concat(bytes).toString('base64')).toBe('JVBERi0x');
    expect(info).toEqual({ filename: 'q1.pdf', contentType: 'application/pdf', contentLength: 6, unscannable: false });
    expect(obs.retries).toEqual(['not-yet', 'not-yet']);
    expect(clock.slept).toBe(10_000);
  });

  it('423 for longer than allowed ends in NOT_YET with the wait', async () => {
    const { client } = makeClient({ retry: { maxNotYetRetries: 1 } });
    sim.faults.set({ files: { 'pdf#0': { scanning: 5, retryAfter: 9 } } });
    await expect(client.contents.open(sim.ids.content('pdf'))).rejects.toMatchObject({ code: 'NOT_YET', retriable: true, retryAfterSeconds: 9, reason: 'scanning' });
  });

  it('410: GONE (infected), never retried', async () => {
    const { client, obs } = makeClient();
    sim.faults.set({ files: { 'pdf#0': 'infected' } });
    await expect(client.contents.open(sim.ids.content('pdf'))).rejects.toMatchObject({ code: 'GONE', retriable: false, reason: 'infected', status: 410 });
    await expect(client.contents.head(sim.ids.content('pdf'))).rejects.toMatchObject({ code: 'GONE' });
    expect(obs.requests).toBe(2);
  });

  it('428: FORBIDDEN with reason unscannable, or fetched with allow=unscannable when the caller accepts', async () => {
    const { client } = makeClient();
    sim.faults.set({ files: { 'pdf#0': 'unscannable' } });
    await expect(client.contents.open(sim.ids.content('pdf'))).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'unscannable', status: 428 });
    const { info, body } = await client.contents.open(sim.ids.content('pdf'), { allowUnscannable: true });
    body.resume();
    expect(info).toMatchObject({ filename: 'q1.pdf', unscannable: true });
    const head = await client.contents.head(sim.ids.content('pdf'), { allowUnscannable: true });
    expect(head.unscannable).toBe(true);
  });
});
