import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { waitUntil } from '../support/wait.js';
import { metric } from './support.js';

const TOKEN = 'metrics-endpoint-operator-token';

// Every long-running process serves /metrics: `run` (without the receiver) and `crawl --schedule`
// have a metrics-only listener (WXA_METRICS_HOST:WXA_METRICS_PORT) with the receiver's access rule.
describe('metrics-only listeners of run and crawl --schedule (real processes, real Kafka)', () => {
  let sim: WebexSimulator;
  const children: CliProcess[] = [];
  beforeAll(async () => { sim = await startWebexSimulator({ seed: { seed: 3, users: 3, rooms: 2, messages: 6 } }); });
  afterAll(async () => {
    for (const c of children) if (c.child.exitCode === null) { c.child.kill('SIGKILL'); await c.exited; }
    await sim?.close();
  });

  const start = async (args: string[], env: Record<string, string>) => {
    const c = spawnCli(args, { ...testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_METRICS_PORT: '0', WXA_OPERATOR_TOKEN: TOKEN }), ...env });
    children.push(c);
    let url: string | undefined;
    await waitUntil(() => (url = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(c.output())?.[1]) !== undefined || c.child.exitCode !== null, 60_000, `${args.join(' ')} to serve /metrics`);
    expect(url, c.output()).toBeDefined();
    return { c, url: url! };
  };
  const stop = async (c: CliProcess) => { c.child.kill('SIGINT'); expect(await c.exited, c.output()).toBe(0); };

  it('run <processor> serves its counters, operator-only when WXA_METRICS_PUBLIC=false', async () => {
    const { c, url } = await start(['run', 'hydrate'], { WXA_METRICS_PUBLIC: 'false' });
    expect((await fetch(url)).status).toBe(401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('# TYPE webex_archiver_records_processed_total counter');
    expect(text).toContain('# TYPE webex_archiver_webex_rate_limited_total counter');
    expect(text).toContain('process_cpu_user_seconds_total');
    // Lag is the receiver's: served here it would be counted once per process.
    expect(text).not.toContain('kafka_consumergroup_lag');
    expect((await fetch(url.replace('/metrics', '/ops/'))).status).toBe(404);
    await stop(c);
  });

  it('crawl --schedule serves the Webex requests, 429s and retries of its first crawl, by HTTP status', async () => {
    sim.faults.set({ storm: { count: 2, retryAfter: 1, only: '/events' } });
    const { c, url } = await start(['crawl', '--schedule'], { WXA_CRAWL_FIRST_LOOKBACK_DAYS: '3650' });
    await waitUntil(() => /next crawl at/.test(c.output()) || c.child.exitCode !== null, 60_000, 'the first crawl');
    expect(c.child.exitCode, c.output()).toBeNull();
    const text = await (await fetch(url)).text();
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'events', status: '200' })).toBeGreaterThan(0);
    expect(metric(text, 'webex_archiver_webex_requests_total', { resource: 'events', status: '429' })).toBe(2);
    expect(metric(text, 'webex_archiver_webex_rate_limited_total', { resource: 'events' })).toBe(2);
    expect(metric(text, 'webex_archiver_webex_retries_total', { resource: 'events', reason: 'rate-limited' })).toBe(2);
    await stop(c);
  });
});
