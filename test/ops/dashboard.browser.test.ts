import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcessor } from '../../src/kafka/runner.js';
import { registerOpsRoutes } from '../../src/ops/routes.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { launchChromium } from '../support/chromium.js';
import { testConfig } from '../support/config.js';
import { countColour, decodePng } from './png.js';
import type { DeadLetter } from '../../src/kafka/records.js';
import type { DashboardStatus } from '../../src/ops/dashboard-status.js';
import { delivery, outcomeOf, staged } from './support.js';

const SCREENSHOTS = path.resolve('.run/screenshots');
// The colours the dashboard's stylesheet gives a rising trend (--bad) and a stage behind (--warn).
const CSS = readFileSync(new URL('../../src/ops/dashboard/style.css', import.meta.url), 'utf8');
const cssColour = (name: string) => new RegExp(`--${name}: (#[0-9a-f]{6})`).exec(CSS)![1]!;

// The few DOM members the browser-side predicates use (tsconfig has no DOM lib).
interface PageElement { getAttribute(name: string): string | null; textContent: string | null; clientHeight: number; getBoundingClientRect(): { height: number } }
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };

// The dashboard in a real headless chromium: sign in through the form, then watch the lag of a
// stopped processor (no consumer on its input) rise as records arrive, in the DOM and in the
// pixels, and drain to 0 once a consumer runs.
describe('operator dashboard in a real browser', () => {
  let rt: Runtime;
  let app: FastifyInstance;
  let browser: BrowserContext;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    rt = await createRuntime(testConfig());
    app = Fastify();
    registerOpsRoutes(app, { ...rt, lagTtlMs: 0 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    page = await browser.newPage();
  });
  afterAll(async () => { await browser?.close(); await app?.close(); await rt?.close(); });

  const lagCell = () => page.locator('#lag-hydrate');
  const lagOf = async () => Number(await lagCell().getAttribute('data-lag'));

  it('without signing in the dashboard answers 401 and offers only the sign-in link', async () => {
    const res = await page.goto(`${base}/ops/`);
    expect(res!.status()).toBe(401);
    expect(await page.locator('a[href="/ops/login"]').count()).toBe(1);
    expect(await page.content()).not.toContain('hydrate');
  });

  it('signs in and shows the lag of a stopped processor rising, failures listed without content, then draining', async () => {
    await page.goto(`${base}/ops/login`);
    await page.fill('#token', rt.config.operatorToken);
    await Promise.all([page.waitForURL(`${base}/ops/`), page.click('button[type=submit]')]);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const row = () => page.locator('tr[data-stage=hydrate]');
    const trendCell = () => page.locator('tr[data-stage=hydrate] td.trend');
    const shoot = async (name: string, what: ReturnType<typeof row>) => {
      const png = await what.screenshot();
      writeFileSync(path.join(SCREENSHOTS, `${name}.png`), png);
      return png;
    };

    // Before: nothing waits, so no red anywhere in the stage's row.
    await page.waitForFunction(() => document.querySelector('#lag-hydrate')?.getAttribute('data-lag') === '0', undefined, { timeout: 30_000 });
    const rowBefore = await shoot('dashboard-hydrate-row-idle', row());
    expect(countColour(decodePng(rowBefore), cssColour('bad'))).toBe(0);
    expect(countColour(decodePng(await trendCell().screenshot()), cssColour('bad'))).toBe(0);

    await rt.publisher.publish([1, 2, 3].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(n) })));
    await rt.publisher.publish([{ topic: 'outcomes', key: 'm-item-x', value: outcomeOf('failed', 'item-x', 'carol@example.com', { reason: 'FORBIDDEN: mailbox refused the append' }) }]);
    // Functions, not strings: the page's CSP forbids eval, which string predicates need.
    const lagAtLeast = (n: number) => Number(document.querySelector('#lag-hydrate')?.getAttribute('data-lag')) >= n;
    await page.waitForFunction(lagAtLeast, 3, { timeout: 30_000 });
    const first = await lagOf();
    expect(first).toBe(3);
    expect(await lagCell().textContent()).toBe('3');
    expect(await page.locator('tr[data-stage=hydrate] td').nth(2).textContent()).toContain('not running');
    expect(await page.locator('tr[data-stage=hydrate] td.stopped').count()).toBe(1);

    await rt.publisher.publish([4, 5, 6, 7, 8].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(n) })));
    await page.waitForFunction(lagAtLeast, first + 1, { timeout: 30_000 });
    expect(await lagOf()).toBe(8);
    await page.waitForFunction(() => document.querySelector('tr[data-stage=hydrate] td.trend span')?.textContent?.startsWith('▲'), undefined, { timeout: 30_000 });
    // After: the pixels changed, the rising-trend indicator is drawn in the stylesheet's red and
    // the lag in its "behind" colour.
    const rowRising = await shoot('dashboard-hydrate-row-rising', row());
    expect(rowRising.equals(rowBefore)).toBe(false);
    const trendPixels = decodePng(await shoot('dashboard-hydrate-trend-rising', trendCell()));
    expect(countColour(trendPixels, cssColour('bad'))).toBeGreaterThan(10);
    expect(countColour(decodePng(await shoot('dashboard-hydrate-lag-rising', lagCell())), cssColour('warn'))).toBeGreaterThan(5);

    await page.waitForSelector('#issues tbody tr.failed', { timeout: 30_000 });
    const issue = await page.locator('#issues tbody tr.failed').first().textContent();
    expect(issue).toContain('item-x');
    expect(issue).toContain('carol@example.com');
    expect(issue).toContain('FORBIDDEN');
    expect(await page.locator('a#log-csv').getAttribute('href')).toBe('/ops/log?format=csv');

    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-lag-rising.png'), fullPage: true });

    // The log link downloads the CSV with the session cookie.
    const csv = await page.evaluate(async () => (await fetch('/ops/log?format=csv')).text());
    expect(csv.split('\r\n')[0]).toMatch(/^row,date,/);
    expect(csv).toContain('item-x');

    // The processor starts again: it consumes everything and the lag on the page drains to 0.
    const hydrate = await runProcessor({ name: 'hydrate', input: 'webhooks', outputs: [], transform: () => [] }, rt);
    try {
      await page.waitForFunction(() => document.querySelector('#lag-hydrate')?.getAttribute('data-lag') === '0', undefined, { timeout: 60_000 });
    } finally {
      await hydrate.stop();
    }
    expect(await lagCell().textContent()).toBe('0');
    expect(await page.locator('tr[data-stage=hydrate] td.stopped').count()).toBe(0);
    const rowDrained = await shoot('dashboard-hydrate-row-drained', row());
    expect(rowDrained.equals(rowRising)).toBe(false);
    expect(countColour(decodePng(await lagCell().screenshot()), cssColour('warn'))).toBe(0);
  });

  // What the page draws against what the API says, at the same poll: a bar's height over the
  // chart's height is its count over the largest count, and every number in the tables is the
  // JSON's. A chart of 1 px bars (the CSP dropping a style attribute) fails here.
  it('draws the throughput bars, the counts, the lag and the dead letters exactly as /ops/api/status reports them', async () => {
    const minute = 60_000;
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * minute).toISOString();
    const imports = [...Array(6).fill(4), ...Array(2).fill(2), ...Array(9).fill(0)].map((ago, i) => ({
      topic: 'outcomes' as const, key: `m-chart-${i}`, value: outcomeOf(i % 5 === 0 ? 'duplicate' : 'imported', `chart-${i}`, 'dave@example.com', { at: at(ago) }),
    }));
    await rt.publisher.publish(imports);
    const original = await rt.serde.encode('staged', staged('item-dead', ['erin@example.com']));
    const dead: DeadLetter = { processor: 'route', topic: 'staged', partition: 1, offset: '7', key: null, value: original, errorCode: 'BAD_INPUT', errorMessage: 'no participant could be mapped', attempts: 1, at: new Date().toISOString() };
    await rt.publisher.publish([{ topic: 'deadLetter', key: 'room1', value: dead }]);
    await page.waitForFunction(() => document.querySelectorAll('#dead-letters tbody tr[data-offset]').length === 1, undefined, { timeout: 30_000 });

    type Drawn = { chartHeight: number; bars: { count: number; height: number }[]; today: Record<string, string>; importedByKind: Record<string, string>; lag: Record<string, string>; dead: string[]; issues: string[]; waiting: Record<string, string>; recovery: string };
    const read = () => page.evaluate(() => {
      const all = (sel: string) => Array.from(document.querySelectorAll(sel));
      return {
        chartHeight: document.querySelector('#throughput')!.clientHeight,
        bars: all('#throughput .bar').map((b) => ({ count: Number(b.getAttribute('data-count')), height: b.getBoundingClientRect().height })),
        today: Object.fromEntries(all('#today dd[data-kind]').map((d) => [d.getAttribute('data-kind')!, d.textContent!])),
        importedByKind: Object.fromEntries(all('#today dd[data-imported-kind]').map((d) => [d.getAttribute('data-imported-kind')!, d.textContent!])),
        lag: Object.fromEntries(all('#stages tbody tr').map((r) => [r.getAttribute('data-stage')!, document.querySelector(`#lag-${r.getAttribute('data-stage')}`)!.textContent!])),
        dead: all('#dead-letters tbody tr').map((r) => r.textContent!),
        issues: all('#issues tbody tr code.cmd').map((c) => c.textContent!),
        waiting: Object.fromEntries(all('#recovery span.waiting').map((w) => [w.getAttribute('data-topic')!, w.textContent!])),
        recovery: document.querySelector('#recovery')!.textContent!,
      };
    }) as Promise<Drawn>;
    const api = () => page.evaluate(async () => (await fetch('/ops/api/status')).json()) as Promise<DashboardStatus>;

    // The page and the API agree once the page has polled after the API's answer (a minute
    // rolling over between the two shifts every bar, so compare again at the next poll).
    let drawn: Drawn | undefined;
    let json: DashboardStatus | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      json = await api();
      const polls = await page.locator('body').getAttribute('data-polls');
      await page.waitForFunction((n) => document.querySelector('body')!.getAttribute('data-polls') !== n, polls, { timeout: 30_000 });
      drawn = await read();
      if (drawn.bars.map((b) => b.count).join() === json.importsPerMinute.join()) break;
    }
    const perMinute = json!.importsPerMinute;
    expect(perMinute.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(imports.length);
    expect(drawn!.bars.map((b) => b.count)).toEqual(perMinute);
    const max = Math.max(...perMinute);
    expect(max).toBeGreaterThanOrEqual(9);
    expect(drawn!.chartHeight).toBeGreaterThan(40);
    for (const [i, bar] of drawn!.bars.entries()) {
      // Empty minutes keep the stylesheet's 1 px floor; the others are in proportion, to a pixel.
      const expected = (perMinute[i]! / max) * drawn!.chartHeight;
      expect(Math.abs(bar.height - Math.max(1, expected)), `bar ${i}: ${perMinute[i]} of ${max}`).toBeLessThanOrEqual(1);
    }
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(drawn!.today).toEqual(Object.fromEntries(Object.entries(json!.today!.counts).map(([k, n]) => [k, fmt(n)])));
    expect(drawn!.importedByKind).toEqual(Object.fromEntries(Object.entries(json!.today!.importedByKind).map(([k, n]) => [k, fmt(n)])));
    expect(json!.today!.counts.imported).toBeGreaterThanOrEqual(13);
    expect(drawn!.lag).toEqual(Object.fromEntries(json!.stages.map((s) => [s.processor, s.error ?? fmt(s.lag)])));
    expect(json!.deadLetters!.total).toBe(1);
    expect(json!.deadLetters!.latest[0]).toMatchObject({ processor: 'route', itemId: 'item-dead', redrive: "webex-archiver redrive --processor route --item 'item-dead'" });
    expect(drawn!.dead).toHaveLength(1);
    expect(drawn!.dead[0]).toContain("webex-archiver redrive --processor route --item 'item-dead'");
    expect(drawn!.dead[0]).toContain('BAD_INPUT: no participant could be mapped');
    expect(drawn!.issues).toEqual(json!.recentIssues.filter((i) => i.redrive).map((i) => i.redrive));
    expect(drawn!.issues).toContain("webex-archiver redrive --processor import --item 'item-x'");
    expect(drawn!.waiting).toEqual(Object.fromEntries(json!.recovery.waiting!.map((w) => [w.topic, `${fmt(w.records)} on ${w.topic}`])));
    expect(Object.keys(drawn!.waiting)).toHaveLength(3);
    expect(drawn!.recovery).toContain(`Today: ${fmt(json!.recovery.failedToday)} failed, ${fmt(json!.recovery.parkedToday)} parked.`);
    expect(drawn!.recovery).toContain(json!.recovery.commands.listParked);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-throughput.png'), fullPage: true });
  });
});
