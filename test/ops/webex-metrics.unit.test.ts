import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { webexMetricsObserver } from '../../src/service/webex-metrics.js';
import { WebexHttp } from '../../src/webex/http.js';
import { virtualClock } from '../webex/sim-support.js';
import { metric } from './support.js';

// webex_archiver_webex_requests_total counts each try by the status it got (it used to say 0).
describe('Webex request metrics', () => {
  it('label each try with its HTTP status, or with why no answer came', async () => {
    const registry = new Registry();
    const m = createMetrics(registry);
    const answers: Array<() => Response | Promise<Response>> = [
      () => new Response('{}', { status: 429, headers: { 'retry-after': '1' } }),
      () => { throw new TypeError('fetch failed'); },
      () => new Response('{"id":"x"}', { status: 200 }),
      () => new Response('{"message":"nope"}', { status: 404 }),
    ];
    const http = new WebexHttp({
      baseUrl: 'https://webexapis.com/v1', token: 't', observer: webexMetricsObserver(m.webexObserver), log: createLogger({ level: 'silent' }),
      clock: virtualClock(), random: () => 0.5, fetch: (async () => answers.shift()!()) as typeof fetch,
    });
    await http.json('GET', '/messages/abc');
    await expect(http.json('GET', '/rooms/r1')).rejects.toThrow();
    const text = await registry.metrics();
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'messages', status: '429' })).toBe(1);
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'messages', status: 'network' })).toBe(1);
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'messages', status: '200' })).toBe(1);
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'rooms', status: '404' })).toBe(1);
    expect(metric(text, 'webex_archiver_webex_requests_total')).toBe(4);
    expect(metric(text, 'webex_archiver_webex_rate_limited_total', { resource: 'messages' })).toBe(1);
    expect(metric(text, 'webex_archiver_webex_retries_total', { resource: 'messages' })).toBe(2);
  });
});
