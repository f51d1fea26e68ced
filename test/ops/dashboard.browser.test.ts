import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOpsRoutes } from '../../src/ops/routes.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { launchChromium } from '../support/chromium.js';
import { testConfig } from '../support/config.js';
import { delivery, outcomeOf } from './support.js';

const SCREENSHOTS = path.resolve('.run/screenshots');

// The few DOM members the browser-side predicates use (tsconfig has no DOM lib).
declare const document: { querySelector(selector: string): { getAttribute(name: string): string | null; textContent: string | null } | null };

// The dashboard in a real headless chromium: sign in through the form, then watch the lag of a
// stopped processor (no consumer on its input) rise as records arrive.
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

  it('signs in and shows the lag of a stopped processor rising, failures listed without content', async () => {
    await page.goto(`${base}/ops/login`);
    await page.fill('#token', rt.config.operatorToken);
    await Promise.all([page.waitForURL(`${base}/ops/`), page.click('button[type=submit]')]);

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

    await page.waitForSelector('#issues tbody tr.failed', { timeout: 30_000 });
    const issue = await page.locator('#issues tbody tr.failed').first().textContent();
    expect(issue).toContain('item-x');
    expect(issue).toContain('carol@example.com');
    expect(issue).toContain('FORBIDDEN');
    expect(await page.locator('a#log-csv').getAttribute('href')).toBe('/ops/log?format=csv');

    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = path.join(SCREENSHOTS, 'dashboard-lag-rising.png');
    await page.screenshot({ path: shot, fullPage: true });

    // The log link downloads the CSV with the session cookie.
    const csv = await page.evaluate(async () => (await fetch('/ops/log?format=csv')).text());
    expect(csv.split('\r\n')[0]).toMatch(/^row,date,/);
    expect(csv).toContain('item-x');
  });
});
