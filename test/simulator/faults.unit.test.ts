import { afterEach, describe, expect, it } from 'vitest';
import type { WebexSimulator } from '../../src/simulator/index.js';
import { api, startSmall } from './helpers.js';

const sims: WebexSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});
async function sim(opts: Parameters<typeof startSmall>[0] = {}): Promise<WebexSimulator> {
  const s = await startSmall(opts);
  sims.push(s);
  return s;
}

describe('auth and unknown ids', () => {
  it('401 without a bearer token, 401 for a refused token, 404 for unknown ids and routes', async () => {
    const s = await sim({ acceptToken: (t) => t === 'good' });
    expect((await api(s, '/rooms', { headers: { authorization: '' } })).status).toBe(401);
    expect((await api(s, '/rooms', { headers: { authorization: 'Bearer bad' } })).status).toBe(401);
    expect((await api(s, '/rooms', { headers: { authorization: 'Bearer good' } })).status).toBe(200);
    expect((await api(s, '/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ub3BlJw', { headers: { authorization: 'Bearer good' } })).status).toBe(404);
    expect((await api(s, '/nothing-here', { headers: { authorization: 'Bearer good' } })).status).toBe(404);
  });
});

describe('throttling', () => {
  it('a 429 storm answers text/html with Retry-After, then recovers', async () => {
    const s = await sim();
    s.faults.set({ storm: { count: 2, retryAfter: 30 } });
    const a = await api(s, '/rooms');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('30');
    expect(a.headers.get('content-type')).toMatch(/^text\/html/);
    expect((await api(s, '/rooms')).status).toBe(429);
    expect((await api(s, '/rooms')).status).toBe(200);
    expect(s.stats.served429).toBe(2);
  });

  it('a rate limit per minute answers 429 over the limit, with a Retry-After until the window frees', async () => {
    let now = Date.parse('2026-03-01T00:00:00.000Z');
    const s = await sim({ rateLimit: { perMinute: 3 }, now: () => now });
    for (let i = 0; i < 3; i++) expect((await api(s, '/teams')).status).toBe(200);
    const over = await api(s, '/teams');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBe(60);
    now += 60_001;
    expect((await api(s, '/teams')).status).toBe(200);
  });

  it('probabilistic faults are the same for the same seed', async () => {
    const run = async () => {
      const s = await sim();
      s.faults.set({ seed: 42, serverErrors: { probability: 0.5, status: 502 } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await api(s, '/teams')).status);
      return out;
    };
    const first = await run();
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });
});

describe('other faults', () => {
  it('a 5xx burst of N requests, limited to a path', async () => {
    const s = await sim();
    s.faults.set({ serverErrors: { count: 2, status: 503, only: '/messages' } });
    expect((await api(s, '/rooms')).status).toBe(200);
    const e = await api(s, `/messages/${s.ids.message('m1')}`);
    expect(e.status).toBe(503);
    expect(e.body.trackingId).toMatch(/^ROUTER_/);
    expect((await api(s, `/messages/${s.ids.message('m1')}`)).status).toBe(503);
    expect((await api(s, `/messages/${s.ids.message('m1')}`)).status).toBe(200);
  });

  it('slow responses wait the delay', async () => {
    const s = await sim();
    s.faults.set({ delayMs: 150 });
    const t0 = performance.now();
    await api(s, '/teams');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it('REST lag: a message read right after its webhook can 404, then appears', async () => {
    const s = await sim();
    s.faults.set({ restLag: { count: 1 } });
    expect((await api(s, `/messages/${s.ids.message('m1')}`)).status).toBe(404);
    expect((await api(s, `/messages/${s.ids.message('m1')}`)).status).toBe(200);
  });

  it('slow file downloads trickle the bytes', async () => {
    const s = await sim();
    s.faults.set({ fileBytesPerSecond: 20 });
    const t0 = performance.now();
    const res = await fetch(`${s.baseUrl}/contents/${s.ids.content('m2', 0)}`, { headers: { authorization: 'Bearer t' } });
    expect(Buffer.from(await res.arrayBuffer()).toString('base64')).toBe('JVBERi0x');
    // Three 2-byte slices, 100 ms apart: the last arrives at least 200 ms after the first.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(180);
  });

  it('max=null in next links; following one answers 400', async () => {
    const s = await sim();
    s.faults.set({ maxNull: true });
    const page = await api(s, `/messages?roomId=${s.ids.room('r1')}&max=2`);
    expect(page.next).toMatch(/[?&]max=null(&|$)/);
    expect((await api(s, page.next!)).status).toBe(400);
    expect((await api(s, page.next!.replace('max=null', 'max=2'))).status).toBe(200);
  });

  it('empty pages that still carry next', async () => {
    const s = await sim();
    s.faults.set({ emptyPages: true });
    const first = await api(s, '/rooms?max=100');
    expect(first.body.items).toEqual([]);
    expect((await api(s, first.next!)).body.items).toHaveLength(3);
  });

  it('the control endpoint sets, shows and clears faults; stats count requests and in-flight', async () => {
    const s = await sim();
    const control = `${s.baseUrl.replace(/\/v1$/, '')}/_simulator/faults`;
    const set = await fetch(control, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ storm: { count: 1, retryAfter: 5 } }) });
    expect(await set.json()).toMatchObject({ storm: { count: 1, retryAfter: 5 } });
    expect((await api(s, '/teams')).status).toBe(429);
    await fetch(control, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ storm: { count: 5 } }) });
    await fetch(control, { method: 'DELETE' });
    expect((await api(s, '/teams')).status).toBe(200);
    // Overlap the requests (handlers are otherwise too quick to be in flight together).
    s.faults.set({ delayMs: 50 });
    await Promise.all(Array.from({ length: 5 }, () => api(s, '/rooms')));
    const stats = (await (await fetch(`${s.baseUrl.replace(/\/v1$/, '')}/_simulator/stats`)).json()) as any;
    expect(stats.byRoute['GET /v1/rooms']).toBe(5);
    expect(stats.maxInFlight).toBeGreaterThan(1);
  });
});
