import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { infraDown, infraUp, type ServerName } from '../../infra/index.js';
import { PROMETHEUS_TARGETS_DIR, PROMETHEUS_URL } from '../../infra/prometheus.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { loadConfig } from '../../src/config/load.js';
import type { ImportTask } from '../../src/kafka/records.js';
import { topicName } from '../../src/kafka/topics.js';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { delivery } from '../ops/support.js';
import { testCrawlerDeps } from '../support/capture.js';
import { testEnv, uniqueId } from '../support/config.js';
import { sampleRaw } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

const root = (p: string) => new URL(`../../${p}`, import.meta.url);
const DASHBOARD = JSON.parse(readFileSync(root('deploy/grafana/dashboards/webex-archiver.json'), 'utf8')) as { panels: Panel[] };
const RULES_FILE = root('deploy/prometheus/alerts.yml');
const RULES = (parse(readFileSync(RULES_FILE, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
interface Panel { title: string; targets?: { expr: string }[]; panels?: Panel[] }
const panelExprs = (ps: Panel[]): { title: string; expr: string }[] => ps.flatMap((p) => [...(p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })), ...panelExprs(p.panels ?? [])]);

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

// Debian's Prometheus (started by the project's infra code) scrapes a running pipeline, which is
// made to do everything the panels and the alerts chart: records through every stage into a
// Maildir, a mailbox refusing (parked), undecodable records (dead letters), Webex 429s, and
// webhook deliveries waiting for a hydrate that is not running (lag growing, capture paused), and
// in a second deployment a hydrate paused on a refused Webex token.
// Then every PromQL expression of deploy/grafana/dashboards/*.json and every alert rule of
// deploy/prometheus/alerts.yml must return series from it; promtool checks the rule file.
describe('Grafana panels and alert rules against a real Prometheus', () => {
  const id = uniqueId();
  const refused = `dave-${id}@example.com`;
  const targetFile = path.join(PROMETHEUS_TARGETS_DIR, `wxa-${id}.json`);
  let started: ServerName[] = [];
  let sim: WebexSimulator;
  let refusing: WebexSimulator;
  let service: ArchiverService;
  let capture: ArchiverService;
  let prefix = '';

  beforeAll(async () => {
    started = await infraUp({ only: ['prometheus'] });
    sim = await startWebexSimulator({ seed: { seed: 3, users: 3, rooms: 2, messages: 6 } });
    const config = loadConfig({}, testEnv({
      WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_SINK: 'maildir', WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com',
      WXA_IMPORT_RETRY_DELAYS: '2,2,2', WXA_IMPORT_QUICK_ATTEMPTS: '1',
    }));
    prefix = config.topicPrefix;
    const blocked = maildirFolderPath(config.maildirRoot, refused, config.mailFolder);
    mkdirSync(path.dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'not a folder');
    // Every processor but hydrate: webhook deliveries wait for it.
    service = await startService(config, { processors: STAGE_NAMES.filter((n) => n !== 'hydrate') });
    // A second deployment whose only hydrate meets a Webex that refuses its token: it pauses
    // (AUTH_FAILED) and says so on its own /metrics.
    refusing = await startWebexSimulator({ seed: { seed: 4, users: 2, rooms: 1, messages: 1 }, acceptToken: () => false });
    capture = await startService(loadConfig({}, testEnv({ WXA_WEBEX_BASE_URL: refusing.baseUrl, WXA_METRICS_PORT: '0' })), { processors: ['hydrate'], receiver: false, metricsListener: true });
    await capture.rt.publisher.publish([{ topic: 'webhooks', key: 'room1', value: delivery(1) }]);
    mkdirSync(PROMETHEUS_TARGETS_DIR, { recursive: true });
    writeFileSync(targetFile, JSON.stringify([
      { targets: [new URL(service.url!).host], labels: { component: 'receiver', wxa_test: id } },
      { targets: [new URL(capture.metricsUrl!).host], labels: { component: 'hydrate', wxa_test: id } },
    ]));
  }, 240_000);
  afterAll(async () => {
    rmSync(targetFile, { force: true });
    await capture?.stop();
    await service?.stop();
    await refusing?.close();
    await sim?.close();
    if (started.length) await infraDown({ only: started });
  });

  it('promtool accepts the rule file', () => {
    const out = execFileSync('promtool', ['check', 'rules', RULES_FILE.pathname], { encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${RULES.length} rules found`);
    expect(RULES.map((r) => r.alert).sort()).toEqual(['WebexArchiverCapturePaused', 'WebexArchiverDeadLetters', 'WebexArchiverItemsParked', 'WebexArchiverLagGrowing']);
  });

  it('every dashboard expression and every alert expression returns series', async () => {
    const { rt } = service;
    const scraped = async () => (await query(`up{job="webex-archiver",wxa_test="${id}"} == 1`)).length === 2;
    await waitUntil(scraped, 60_000, 'Prometheus to scrape the pipeline');
    const hydrateLag = `kafka_consumergroup_lag_sum{consumergroup="${prefix}webex-archiver.hydrate"}`;
    await waitUntil(async () => (await query(`${hydrateLag} == 0`)).length === 1, 60_000, 'hydrate lag scraped at 0');

    // Two rounds a few scrapes apart, so counters rise between samples (rate and increase need two).
    const producer = rt.kafka.producer();
    await producer.connect();
    try {
      for (const round of [1, 2]) {
        await rt.publisher.publish([1, 2, 3].map((n) => ({ topic: 'webhooks' as const, key: `room${n}`, value: delivery(round * 10 + n) })));
        await rt.publisher.publish([1, 2].map((n) => {
          const raw = sampleRaw();
          return { topic: 'raw' as const, key: raw.room.id, value: { ...raw, message: { ...raw.message, id: `m-${id}-${round}-${n}` } } };
        }));
        await producer.send({ topic: topicName(rt.config, 'raw'), messages: [{ key: 'room-x', value: Buffer.from(`not avro ${round}`) }] });
        const eml = Buffer.from(`Message-ID: <p${round}-${id}@webex-archiver.invalid>\r\nSubject: parked ${round}\r\n\r\nbody\r\n`);
        const parked: ImportTask = {
          itemId: `P${round}-${id}:created:1`, webexMessageId: `P${round}-${id}`, roomId: `R-${id}`, messageId: `<p${round}-${id}@webex-archiver.invalid>`,
          date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z', container: 'unused', blobName: 'unused.eml', size: eml.length, sha256: 'x',
          partial: false, inline: eml, mailbox: refused, participantEmail: refused, viaFallback: false,
        };
        await rt.publisher.publish([{ topic: 'imports', key: refused, value: parked }]);
        // Webex answers 429 to the crawl's first requests: retries and rate limits counted.
        sim.faults.set({ storm: { count: 2, retryAfter: 1 } });
        await crawlEvents(testCrawlerDeps(rt, service.source), { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: 1 });
        if (round === 1) {
          await waitUntil(async () => (await query(`webex_archiver_records_dead_lettered_total{wxa_test="${id}"}`)).length > 0, 30_000, 'the first dead letter scraped');
          await new Promise((r) => setTimeout(r, 3000)); // a few more scrapes before the second round
        }
      }
    } finally {
      await producer.disconnect();
    }

    const escaped = prefix.replace(/\./g, '\\\\.');
    const expressions = [
      ...panelExprs(DASHBOARD.panels).map((e) => ({ what: `panel "${e.title}"`, expr: e.expr.replaceAll('$prefix', escaped) })),
      ...RULES.map((r) => ({ what: `alert ${r.alert}`, expr: r.expr })),
    ];
    expect(expressions.length).toBeGreaterThanOrEqual(13 + 4);
    const empty = new Set(expressions.map((e) => e.what + ': ' + e.expr));
    await waitUntil(async () => {
      for (const e of expressions) if ((await query(e.expr)).length > 0) empty.delete(e.what + ': ' + e.expr);
      return empty.size === 0;
    }, 90_000, 'every expression to return series').catch((err: Error) => { throw new Error(`${err.message}; still empty:\n${[...empty].join('\n')}`); });

    // The series are this pipeline's: its consumer groups, its processors.
    const lagGrowing = await query(RULES.find((r) => r.alert === 'WebexArchiverLagGrowing')!.expr);
    expect(lagGrowing.map((s) => s.metric.consumergroup)).toContain(`${prefix}webex-archiver.hydrate`);
    // Both ways capture pauses: this deployment's hydrate is not running, the other's waits on a refused token.
    const capturePaused = RULES.find((r) => r.alert === 'WebexArchiverCapturePaused')!.expr;
    await waitUntil(async () => (await query(capturePaused)).some((s) => s.metric.code === 'AUTH_FAILED'), 60_000, 'the refused token to pause hydrate');
    const paused = await query(capturePaused);
    expect(paused.filter((s) => s.metric.consumergroup).map((s) => s.metric.consumergroup)).toEqual([`${prefix}webex-archiver.hydrate`]);
    expect(paused.filter((s) => s.metric.code).map((s) => [s.metric.processor, s.metric.code])).toEqual([['hydrate', 'AUTH_FAILED']]);
    expect((await query(RULES.find((r) => r.alert === 'WebexArchiverDeadLetters')!.expr)).map((s) => s.metric.processor)).toContain('convert');
    expect((await query(RULES.find((r) => r.alert === 'WebexArchiverItemsParked')!.expr)).map((s) => s.metric.processor)).toContain('import');
  });
});
