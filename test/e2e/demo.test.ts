import { readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { infraStatus } from '../../infra/index.js';
import { loadConfig } from '../../src/config/load.js';
import { createKafka } from '../../src/kafka/client.js';
import { createSerde } from '../../src/kafka/serde.js';
import { createLogger } from '../../src/log.js';
import { readDailyLog } from '../../src/ops/status-log-read.js';
import type { ExpectedVersion } from '../../src/simulator/index.js';
import { launchChromium } from '../support/chromium.js';
import { spawnCli, type CliProcess } from '../support/cli.js';
import { testEnv } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

/** Every archived file of a Maildir root: <root>/<mailbox>/Maildir/.Webex Teams/cur/*. */
function archived(root: string): { mailbox: string; file: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((mailbox) => {
    const cur = path.join(root, mailbox, 'Maildir', '.Webex Teams', 'cur');
    return existsSync(cur) ? readdirSync(cur).map((f) => ({ mailbox, file: path.join(cur, f) })) : [];
  });
}

// `npm start` is `webex-archiver demo`: run it as the real program on its own topic prefix,
// containers, Maildir and ports (the simulator and the receiver on free ports) against the local
// servers that are already up, watch it archive the whole demo organization, then Ctrl-C it.
describe('webex-archiver demo (npm start)', () => {
  const env = testEnv({ WXA_RECEIVER_PORT: '0' });
  const config = loadConfig({}, env);
  let demo: CliProcess | undefined;
  afterAll(async () => {
    if (demo && demo.child.exitCode === null) { demo.child.kill('SIGKILL'); await demo.exited; }
  });

  it('archives every version of the demo organization into the Maildir, serves the dashboard to the operator only, and stops cleanly on SIGINT', async () => {
    const before = await infraStatus();
    expect(before.every((s) => s.healthy), JSON.stringify(before)).toBe(true);
    demo = spawnCli(['demo', '--users', '4', '--rooms', '3', '--messages', '20', '--seed', '7', '--simulator-port', '0'], env);
    const out = () => demo!.output();
    await waitUntil(() => /Open it: /.test(out()) || demo!.child.exitCode !== null, 75_000, 'the demo to play the organization, crawl and say how to open the archive');
    expect(demo.child.exitCode, out()).toBeNull();
    const simulator = /Webex simulator: (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out())?.[1];
    const dashboard = /Dashboard: +(http:\/\/127\.0\.0\.1:\d+\/ops\/)/.exec(out())?.[1];
    expect(simulator, out()).toBeDefined();
    expect(dashboard, out()).toBeDefined();
    expect(out()).toContain(`Archive:     ${path.resolve(config.maildirRoot)}`);
    expect(out()).toMatch(/Played \d+ message versions/);

    // The simulator's oracle: every message version of the organization, all played.
    const expected = ((await (await fetch(`${simulator}/_simulator/expected`)).json()) as { items: ExpectedVersion[] }).items;
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.every((v) => v.released)).toBe(true);

    // Done when the status log has every version as an item, nothing pending, and the Maildir
    // holds exactly one file per fanned-out copy.
    const logger = createLogger({ level: 'silent' });
    const deps = { kafka: createKafka(config, logger, '.demo-test'), serde: createSerde(config), config };
    let summary: Awaited<ReturnType<typeof readDailyLog>>['days'][number]['summary'] | undefined;
    await waitUntil(async () => {
      const log = await readDailyLog(deps);
      summary = log.days[log.days.length - 1]!.summary;
      // Every join and leave is an item too (X-Webex-Item-Kind: membership); the oracle lists message versions.
      const changes = new Set(archived(config.maildirRoot).map((f) => readFileSync(f.file, 'utf8')).filter((t) => /^X-Webex-Item-Kind: membership\r?$/m.test(t)).map((t) => /^Message-ID: (\S+)\r?$/im.exec(t)?.[1]));
      return summary.available === expected.length + changes.size && summary.pending === 0 && archived(config.maildirRoot).length === summary.fannedOut;
    }, 60_000, 'the archive to hold every copy');
    expect(summary).toMatchObject({ failed: 0, pending: 0 });
    expect(summary!.imported + summary!.partial + summary!.skipped).toBe(summary!.fannedOut);
    const files = archived(config.maildirRoot);
    const archivedIds = new Set(files.map((f) => /^X-Webex-Message-Id: (\S+)$/m.exec(readFileSync(f.file, 'utf8'))?.[1]));
    for (const v of expected) expect(archivedIds.has(v.messageId), v.messageKey).toBe(true);
    expect(new Set(files.map((f) => f.mailbox)).size).toBeGreaterThan(1);

    // How to read it with a mail client: a real folder of the archive.
    const folder = /Open it: +neomutt -f '([^']+)'/.exec(out())?.[1];
    expect(folder, out()).toBeDefined();
    expect(existsSync(path.join(folder!, 'cur'))).toBe(true);
    expect(folder!.startsWith(path.resolve(config.maildirRoot))).toBe(true);

    // The operator's view after the demo: the imports are in the chart (bars drawn to scale).
    const browser = await launchChromium({ viewport: { width: 1280, height: 1000 } });
    try {
      const page = await browser.newPage();
      await page.goto(`${dashboard}login`);
      await page.fill('#token', config.operatorToken);
      await Promise.all([page.waitForURL(dashboard!), page.click('button[type=submit]')]);
      await page.waitForSelector('#throughput .bar:not([data-count="0"])', { timeout: 30_000 });
      const tallest = Math.max(...await page.locator('#throughput .bar').evaluateAll((bars) => bars.map((b) => b.getBoundingClientRect().height)));
      expect(tallest).toBeGreaterThan(40);
      mkdirSync(path.resolve('.run/screenshots'), { recursive: true });
      await page.screenshot({ path: path.resolve('.run/screenshots/dashboard-after-demo.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    const signedIn = await fetch(dashboard!, { headers: { authorization: `Bearer ${config.operatorToken}` } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get('content-type')).toContain('text/html');
    expect(await signedIn.text()).toContain('Lag per stage');
    const anonymous = await fetch(dashboard!);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('Lag per stage');

    // /metrics of the one demo process: lag of every group, and its processors' counters.
    const metricsUrl = /Metrics: +(http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out())?.[1];
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toContain('kafka_consumergroup_lag_sum{');
    expect(metrics).toMatch(/^webex_archiver_records_processed_total\{processor="import"\} [1-9]/m);

    demo.child.kill('SIGINT');
    expect(await demo.exited, out()).toBe(0);
    expect(out()).toContain('SIGINT: stopping cleanly');
    // A healthy run says nothing at error level (JSON lines here: stdout is not a terminal).
    const errors = out().split('\n').filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
    // The servers were up before the demo, so it started none and must have stopped none.
    for (const s of before) expect(out()).toContain(`${s.name}: already running`);
    expect(out()).not.toMatch(/stopping pid/);
    const after = await infraStatus();
    expect(after.map((s) => [s.name, s.healthy])).toEqual(before.map((s) => [s.name, true]));
  }, 150_000);
});
