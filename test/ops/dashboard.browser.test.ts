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
import { delivery, outcomeOf } from './support.js';

const SCREENSHOTS = path.resolve('.run/screenshots');
// The colours the dashboard's stylesheet gives a rising trend (--bad) and a stage behind (--warn).
const CSS = readFileSync(new URL('../../src/ops/dashboard/style.css', import.meta.url), 'utf8');
const cssColour = (name: string) => new RegExp(`--${name}: (#[0-9a-f]{6})`).exec(CSS)![1]!;

// The few DOM members the browser-side predicates use (tsconfig has no DOM lib).
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };

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
});
