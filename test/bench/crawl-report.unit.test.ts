import { describe, expect, it } from 'vitest';
import { pageTally } from '../../bench/page-capacity.js';
import { crawlReport, crawlSection } from '../../bench/report.js';
import { webexPass } from '../../bench/webex-pass.js';
import { webexSource } from '../../src/capture/webex-source.js';
import { generateOrg, startWebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient } from '../../src/webex/client.js';

describe('page capacity', () => {
  it('counts calls, items and lists per path, and how full the pages before a list\'s last were', () => {
    const t = pageTally();
    t.observer.onPage!({ path: '/v1/events', items: 1000, max: 1000, more: true });
    t.observer.onPage!({ path: '/v1/events', items: 185, max: 1000, more: false });
    t.observer.onPage!({ path: '/v1/events', items: 0, max: 1000, more: false });
    t.observer.onPage!({ path: '/v1/rooms', items: 3, max: undefined, more: false });
    expect(t.summary()).toEqual([
      { path: '/v1/events', calls: 3, items: 1185, lists: 2, fill: 1185 / 3000, fillBeforeLast: 1 },
      // Without a max the page's own length is its capacity.
      { path: '/v1/rooms', calls: 1, items: 3, lists: 1, fill: 1, fillBeforeLast: null },
    ]);
  });
});

describe('the crawl in the bench report', () => {
  const plainPass = { name: 'plain Webex pass', items: 1185, ms: 2000, perSecond: 592.5, detail: 'd' };
  it('is a rate over the plain pass\'s, with the request counts and page use', () => {
    const c = crawlReport({ ms: 2500, published: 1185, requests: 40, eventsRequests: 2, plainPass, pages: [{ path: '/v1/events', calls: 2, items: 1185, lists: 1, fill: 0.5925, fillBeforeLast: 1 }] });
    expect(c.perSecond).toBeCloseTo(474, 5);
    expect(c.ratio).toBeCloseTo(0.8, 5);
    const md = crawlSection(c).join('\n');
    expect(md).toContain('**80% of the plain Webex pass**');
    expect(md).toContain('40 Webex requests, 2 of them to the Events API');
    expect(md).toContain('| /v1/events | 2 | 1185 | 1 | 59.3% | 100% |');
  });
  it('has ratio 0, not infinity, when the plain pass moved nothing', () => {
    expect(crawlReport({ ms: 1, published: 0, requests: 1, eventsRequests: 1, plainPass: { ...plainPass, items: 0, perSecond: 0 }, pages: [] }).ratio).toBe(0);
  });
});

describe('the plain Webex pass', () => {
  it('reads every message version and downloads every file of the range, with no Kafka and no blob', async () => {
    const org = generateOrg({ seed: 7, users: 4, rooms: 2, messages: 60 });
    const sim = await startWebexSimulator({ fixture: org });
    try {
      const source = webexSource(createWebexClient({ baseUrl: sim.baseUrl, token: 'simulator-token' }));
      const pass = await webexPass(source, { from: '2000-01-01T00:00:00.000Z', to: new Date().toISOString() }, 1000);
      expect(pass.items).toBe(sim.expected().length);
      const files = org.messages.reduce((n, m) => n + (m.files?.length ?? 0), 0);
      expect(files).toBeGreaterThan(0);
      expect(sim.stats.byRoute['GET /v1/contents/:id']).toBeGreaterThanOrEqual(files);
      expect(pass.detail).toContain(`${files} files downloaded`);
    } finally {
      await sim.close();
    }
  });
});
