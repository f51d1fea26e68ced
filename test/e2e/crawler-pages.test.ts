import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageTally } from '../../bench/page-capacity.js';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { backfill, crawlEvents } from '../../src/capture/crawler.js';
import { createWebexFromConfig, webexSource } from '../../src/capture/webex-source.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { generateOrg, startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { readRaw, testCrawlerDeps } from '../support/capture.js';
import { testConfig, uniqueId } from '../support/config.js';

const HOUR = 3600_000;
const key = (r: { message: { id: string }; event: string; versionAt: string }) => `${r.message.id}/${r.event}/${r.event === 'deleted' ? '' : r.versionAt}`;

// A first crawl of 90 days in which one busy room holds everything: the range is read as one
// list per resource at page capacity, not as hundreds of empty windows (issue 18).
describe('crawler at page capacity', () => {
  let sim: WebexSimulator;
  let rt: Runtime;
  let now: Date;
  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: generateOrg({ seed: 18, users: 6, rooms: 1, messages: 950 }) });
    rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
    // The crawl's "now" is an hour after the org's last version: 90 days back covers it all.
    now = new Date(Math.max(...sim.expected().map((v) => Date.parse(v.at))) + HOUR);
  });
  afterAll(async () => { await rt?.close(); await sim?.close(); });

  const versions = () => new Set(sim.expected().map((v) => `${v.messageId}/${v.kind}/${v.kind === 'deleted' ? '' : v.at}`));

  it('reads 90 days in a handful of Events requests with full pages, and files several at once within the in-flight limit', async () => {
    const tally = pageTally();
    const deps = testCrawlerDeps(rt, webexSource(createWebexFromConfig(rt.config, rt.logger, tally.observer)));
    // A little delay per request, so that requests which may overlap do.
    sim.faults.set({ delayMs: 5 });
    sim.resetStats();
    const r = await crawlEvents(deps, { now, overlapMinutes: 0, firstRunLookbackHours: 24 * 90 });
    sim.faults.clear();
    const stats = sim.stats;
    const eventsRequests = stats.byRoute['GET /v1/events'] ?? 0;
    // Messages (1,185 events: two pages), the memberships timeline, the membership items, the room
    // updates, the card submissions, the meeting chat and the meeting transcripts: one each. Fixed
    // 6-hour windows took 360 per list here: 2,520.
    expect(eventsRequests).toBeLessThan(30);
    expect(eventsRequests).toBe(8);
    expect(r.pages + 1).toBe(eventsRequests);
    const events = tally.summary().find((p) => p.path === '/v1/events')!;
    expect(events.fillBeforeLast).toBeGreaterThanOrEqual(0.9);
    expect(events.calls).toBe(eventsRequests);
    // Files and message reads overlap, but never beyond the client's share (WXA_WEBEX_MAX_IN_FLIGHT).
    expect(stats.maxInFlight).toBeGreaterThan(1);
    expect(stats.maxInFlight).toBeLessThanOrEqual(rt.config.webexMaxInFlight);
    expect(stats.byRoute['GET /v1/contents/:id'] ?? 0).toBeGreaterThan(0);

    const got = new Set((await readRaw(rt)).map(key));
    expect([...versions()].filter((k) => !got.has(k))).toEqual([]);
    const cp = await kafkaCheckpoints(rt).get('events');
    expect(cp).toMatchObject({ cursor: now.toISOString(), complete: true, rangeTo: null, nextPage: null });
  });

  it('lists rooms and a room of 950 messages in one page each', async () => {
    const tally = pageTally();
    const deps = testCrawlerDeps(rt, webexSource(createWebexFromConfig(rt.config, rt.logger, tally.observer)));
    sim.resetStats();
    const r = await backfill(deps, { since: new Date(0), runId: uniqueId('run-') });
    expect(r.published).toBeGreaterThan(900);
    const pages = Object.fromEntries(tally.summary().map((p) => [p.path, p]));
    expect(pages['/v1/rooms']!.calls).toBe(1);
    expect(pages['/v1/messages']).toMatchObject({ calls: 1, lists: 1 });
    expect(pages['/v1/messages']!.fill).toBeGreaterThanOrEqual(0.9);
  });

  it('a kept next page Webex no longer answers restarts that list from its first page: nothing is skipped', async () => {
    const own = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
    try {
      const deps = testCrawlerDeps(own);
      // As a crawler killed inside the range leaves it, with a cursor Webex refuses (400).
      const from = new Date(now.getTime() - 90 * 24 * HOUR).toISOString();
      const at = new Date().toISOString();
      await deps.checkpoints.put({ name: 'events', cursor: from, complete: false, runStartedAt: at, updatedAt: at, published: 0, rangeTo: now.toISOString(), resource: 'messages', nextPage: `${sim.baseUrl}/events?resource=messages&max=1000&cursor=not-a-cursor` });
      await crawlEvents(deps, { now, overlapMinutes: 0, firstRunLookbackHours: 24 * 90 });
      const got = new Set((await readRaw(own)).map(key));
      expect([...versions()].filter((k) => !got.has(k))).toEqual([]);
      expect(await deps.checkpoints.get('events')).toMatchObject({ cursor: now.toISOString(), rangeTo: null });
    } finally {
      await own.close();
    }
  });
});
