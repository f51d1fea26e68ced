import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { webexSource } from '../../src/capture/webex-source.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient } from '../../src/webex/client.js';
import { expectedVersionKey, lookbackHoursFor, rawVersionKey, readRaw, testCrawlerDeps } from '../support/capture.js';
import { testConfig } from '../support/config.js';
import { virtualClock } from '../webex/sim-support.js';

const PER_MINUTE = 12;

// The crawl against Webex's per-token limit (docs/webex-api.md §3). The simulator and the client share
// a virtual clock, so the minutes the crawler must sit out cost no real time, yet the simulator
// sees them pass. Kafka and Azurite are the real servers.
describe('crawler under a per-token rate limit', () => {
  const clock = virtualClock();
  let sim: WebexSimulator;
  let rt: Runtime;
  beforeAll(async () => {
    sim = await startWebexSimulator({ seed: { seed: 22, users: 5, rooms: 4, messages: 30 }, now: clock.now, rateLimit: { perMinute: PER_MINUTE } });
    rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
  });
  afterAll(async () => { await rt?.close(); await sim?.close(); });

  it('completes with nothing missing while staying within the limit the simulator counts', async () => {
    const client = createWebexClient({ baseUrl: sim.baseUrl, token: rt.config.webexToken, maxInFlight: rt.config.webexMaxInFlight, clock, log: rt.logger });
    clock.busyWhile(() => client.http.load.inFlight > 0);
    const expected = sim.expected();
    const started = clock.now();
    await crawlEvents(testCrawlerDeps(rt, webexSource(client)), { now: new Date(), overlapMinutes: 0, windowMinutes: 60 * 24 * 30, firstRunLookbackHours: lookbackHoursFor(expected) });
    const elapsed = clock.now() - started;

    const raws = await readRaw(rt);
    expect(raws.map(rawVersionKey).sort()).toEqual(expected.map(expectedVersionKey).sort());
    expect((await kafkaCheckpoints(rt).get('events'))?.complete).toBe(true);

    const stats = sim.stats;
    const served = stats.requests - stats.served429;
    // The crawl needed several windows' worth of requests, so the limit was met and waited out.
    expect(served).toBeGreaterThan(2 * PER_MINUTE);
    expect(stats.served429).toBeGreaterThan(0);
    expect(elapsed).toBeGreaterThanOrEqual((Math.ceil(served / PER_MINUTE) - 1) * 60_000);
    // After a 429 the whole client pauses for the Retry-After, so each window costs at most the
    // requests already in flight: no retry storm, and no minute with more than the limit plus those.
    const windows = Math.ceil(elapsed / 60_000) + 1;
    expect(stats.served429).toBeLessThanOrEqual(rt.config.webexMaxInFlight * windows);
    expect(stats.peakPerMinute).toBeLessThanOrEqual(PER_MINUTE + rt.config.webexMaxInFlight);
    // The budget goes to what is needed: each room, its members and each person are read once,
    // not once per message version (a request answered 429 is counted on its route too).
    const distinct = (f: (v: (typeof expected)[number]) => string) => new Set(expected.map(f)).size;
    const lookups = ['GET /v1/rooms/:id', 'GET /v1/memberships', 'GET /v1/people/:id'].map((r) => stats.byRoute[r] ?? 0);
    expect(lookups.reduce((a, b) => a + b)).toBeLessThanOrEqual(2 * distinct((v) => v.roomId) + distinct((v) => v.personId) + stats.served429);
  });
});
