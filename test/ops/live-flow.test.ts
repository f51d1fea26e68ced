import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import type { Config } from '../../src/config/schema.js';
import type { Outcome } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { statusLogCsv, statusLogJson } from '../../src/ops/status-log-format.js';
import { readDailyLog } from '../../src/ops/status-log-read.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { startWebexSimulator, type OrgFixture, type WebexSimulator } from '../../src/simulator/index.js';
import { spawnCli } from '../support/cli.js';
import { testEnv, uniqueId } from '../support/config.js';
import { loadConfig } from '../../src/config/load.js';
import { waitUntil } from '../support/wait.js';
import { delivery, metric, scrape } from './support.js';

const SECRET = 'live-flow-webhook-secret';
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/**
 * A small organization whose text and attachments are distinctive (`words`), so a test can prove
 * they never reach an operator surface: m1 has a small file (imported), big a 200 KB file (over the
 * limit: rejected), m3 is in a room with an external person (unmapped under the `record` policy);
 * m4 and m5 are the second batch. Carol is mapped to a mailbox the Maildir sink refuses, so each
 * of her copies (m1, m4, m5) is a failed import with her mailbox named.
 */
function fixture(id: string, words: string): OrgFixture {
  const alice = `alice-${id}@example.com`, bob = `bob-${id}@example.com`;
  const msg = (key: string, room: string, person: string, minutes: number, files: OrgFixture['messages'][number]['files'] = []) => ({
    key, room, person, created: ago(minutes), text: `${words} ${key} text`, html: `<p>${words} ${key} html</p>`, parent: null, edits: [], deleted: null, files,
  });
  return {
    org: { domains: ['example.com'] },
    people: [
      { key: 'alice', email: alice, displayName: 'Alice Ng' },
      { key: 'bob', email: bob, displayName: 'Bob Li' },
      { key: 'carol', email: `carol-${id}@example.com`, displayName: 'Carol Vu' },
      { key: 'ext', email: `ext-${id}@other.org`, displayName: 'Erin External' },
    ],
    teams: [],
    rooms: [
      { key: 'r1', type: 'group', title: 'Desk', created: ago(60) },
      { key: 'r2', type: 'group', title: 'Outside', created: ago(60) },
    ],
    memberships: [
      { room: 'r1', person: 'alice', joined: ago(60), left: null },
      { room: 'r1', person: 'bob', joined: ago(60), left: null },
      { room: 'r1', person: 'carol', joined: ago(60), left: null },
      { room: 'r2', person: 'alice', joined: ago(60), left: null },
      { room: 'r2', person: 'ext', joined: ago(60), left: null },
    ],
    messages: [
      msg('m1', 'r1', 'alice', 30, [{ name: `plan-${words}.txt`, contentType: 'text/plain', base64: Buffer.from(`BYTES-${words}`).toString('base64'), size: null }]),
      msg('big', 'r1', 'bob', 29, [{ name: `huge-${words}.bin`, contentType: 'application/octet-stream', base64: null, size: 200_000 }]),
      msg('m3', 'r2', 'alice', 28),
      msg('m4', 'r1', 'bob', 10),
      msg('m5', 'r1', 'alice', 9),
    ],
  } as OrgFixture;
}

// /metrics and the operator surfaces after real records flowed: simulator → receiver → Kafka →
// every processor → Maildir, with a 429 storm, a dead letter, a stopped import processor that is
// started again, and content that must never show up in the status log or the dashboard's API.
describe('operations on a real flow (simulator, real Kafka, Azurite)', () => {
  const id = uniqueId();
  const words = `Zebra${id}Quill`;
  // No local part: malformed, so the Maildir sink refuses it (every RFC 5321 local part is accepted).
  const refused = `@carol-${id}.example.com`;
  let env: Record<string, string>;
  let config: Config;
  let sim: WebexSimulator;
  let front: ArchiverService;
  let importer: ArchiverService | undefined;
  const bearer = () => ({ authorization: `Bearer ${config.operatorToken}` });
  const receiverMetrics = () => scrape(front.metricsUrl!);
  const outcomes = async () => {
    const out: Outcome[] = [];
    await readTopicToEnd<Outcome>(front.rt.kafka, front.rt.serde, topicName(config, 'outcomes'), (v) => v && out.push(v));
    return out;
  };
  const imported = async () => (await outcomes()).filter((o) => o.kind === 'imported' || o.kind === 'partial').length;
  // `run import` on its own: no receiver, its own metrics-only listener.
  const startImporter = () => startService(config, { processors: ['import'], receiver: false, metricsListener: true });

  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: fixture(id, words), holdMessages: true });
    env = testEnv({
      WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET, WXA_RECEIVER_PORT: '0', WXA_METRICS_PORT: '0',
      WXA_UNMAPPED_POLICY: 'record', WXA_OVERSIZE_POLICY: 'reject', WXA_MAX_ITEM_BYTES: String(64 * 1024),
    });
    env.WXA_USER_MAP_FILE = path.join(env.WXA_DATA_DIR!, 'users.csv');
    writeFileSync(env.WXA_USER_MAP_FILE, `webexEmail,mailbox\ncarol-${id}@example.com,${refused}\n`);
    config = loadConfig({}, env);
    front = await startService(config, { processors: ['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route'] });
    importer = await startImporter();
    await applyRegistration(createWebexFromConfig(config, front.rt.logger), `${front.url}/webhooks/webex`, SECRET);
  }, 120_000);
  afterAll(async () => { await importer?.stop(); await front?.stop(); await sim?.close(); });

  it('counts records processed per processor, a dead letter, Webex 429s, retries and statuses, and capture latency', async () => {
    // The next three message reads answer 429 Retry-After: 1; a delivery without data.id can never succeed.
    sim.faults.set({ storm: { count: 3, retryAfter: 1, only: '/messages/' } });
    await front.rt.publisher.publish([{ topic: 'webhooks', key: 'bad', value: { ...delivery(1), dataId: null } }]);
    await sim.playLive({ messages: ['m1', 'big', 'm3'] });
    // m1 → alice and bob, m3 → alice (its external participant is only recorded).
    await waitUntil(async () => (await imported()) >= 3, 90_000, 'batch 1 imported');

    const m = await receiverMetrics();
    for (const p of ['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route']) {
      expect(metric(m, 'webex_archiver_records_processed_total', { processor: p }), p).toBeGreaterThanOrEqual(1);
    }
    expect(metric(m, 'webex_archiver_records_processed_total', { processor: 'hydrate' })).toBeGreaterThanOrEqual(4);
    expect(metric(m, 'webex_archiver_records_failed_total', { processor: 'hydrate', code: 'BAD_RECORD' })).toBe(1);
    expect(metric(m, 'webex_archiver_records_dead_lettered_total', { processor: 'hydrate', code: 'BAD_RECORD' })).toBe(1);
    expect(metric(m, 'webex_archiver_webex_rate_limited_total', { resource: 'messages' })).toBe(3);
    expect(metric(m, 'webex_archiver_webex_retries_total', { resource: 'messages', reason: 'rate-limited' })).toBe(3);
    expect(metric(m, 'webex_archiver_webex_requests_total', { resource: 'messages', status: '429' })).toBe(3);
    expect(metric(m, 'webex_archiver_webex_requests_total', { resource: 'messages', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(metric(m, 'webex_archiver_webex_requests_total', { status: '0' })).toBe(0);
    // Capture latency is observed by the receiver from the import outcomes it follows.
    await waitUntil(async () => metric(await receiverMetrics(), 'webex_archiver_capture_latency_seconds_count') >= 3, 30_000, 'capture latency observations');
    const after = await receiverMetrics();
    expect(metric(after, 'webex_archiver_capture_latency_seconds_bucket', { le: '+Inf' })).toBeGreaterThanOrEqual(3);
    expect(metric(after, 'webex_archiver_capture_latency_seconds_sum')).toBeGreaterThan(0);

    // The importer's counters are in its own process, on its metrics-only listener.
    await waitUntil(async () => (await outcomes()).some((o) => o.kind === 'failed'), 30_000, 'carol\'s failed import');
    const own = await scrape(importer!.metricsUrl!);
    expect(metric(own, 'webex_archiver_records_processed_total', { processor: 'import' })).toBeGreaterThanOrEqual(4);
    expect(metric(own, 'webex_archiver_records_failed_total', { processor: 'import', code: 'BAD_INPUT' })).toBeGreaterThanOrEqual(1);
    expect(metric(own, 'webex_archiver_records_dead_lettered_total', { processor: 'import', code: 'BAD_INPUT' })).toBeGreaterThanOrEqual(1);
    expect(own).not.toContain('kafka_consumergroup_lag');
    expect(own).toContain('process_cpu_user_seconds_total');
  });

  it('lag of a stopped processor rises on /metrics and drains to 0 once it is started again', async () => {
    const group = groupName(config, 'import');
    const lagOf = async () => { const m = await receiverMetrics(); return { lag: metric(m, 'kafka_consumergroup_lag_sum', { consumergroup: group }), members: metric(m, 'kafka_consumergroup_members', { consumergroup: group }), up: metric(m, 'webex_archiver_lag_up') }; };
    await importer!.stop();
    importer = undefined;
    const before = await imported();
    await sim.playLive({ messages: ['m4', 'm5'] });
    // m4 and m5 → three copies each (alice, bob, carol), waiting for import.
    await waitUntil(async () => { const l = await lagOf(); return l.lag >= 6 && l.members === 0; }, 60_000, 'import lag of 6 with no members');
    expect(await imported()).toBe(before);

    importer = await startImporter();
    await waitUntil(async () => { const l = await lagOf(); return l.lag === 0 && l.members >= 1 && l.up === 1; }, 60_000, 'import lag to drain to 0');
    for (const p of ['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route', 'import']) {
      await waitUntil(async () => metric(await receiverMetrics(), 'kafka_consumergroup_lag_sum', { consumergroup: groupName(config, p) }) === 0, 30_000, `${p} lag 0`);
    }
    await waitUntil(async () => (await imported()) === before + 4, 30_000, 'batch 2 imported');
  });

  it('the status log (CSV, JSON, the CLI) and /ops/api/status carry ids and mailboxes, never message text or attachments', async () => {
    const external = `ext-${id}@other.org`;
    const fileBytes = `BYTES-${words}`;
    // The text, the html, the file names and the small file's bytes all carry `words`.
    const forbidden = [words, fileBytes, Buffer.from(fileBytes).toString('base64')];
    const rejectedId = sim.ids.message('big');
    const unmappedId = sim.ids.message('m3');
    const check = (what: string, body: string, present: string[]) => {
      for (const f of forbidden) expect(body, `${what} contains "${f}"`).not.toContain(f);
      for (const p of present) expect(body, `${what} lacks "${p}"`).toContain(p);
    };

    const log = await readDailyLog(front.rt);
    const day = log.days[log.days.length - 1]!;
    // hydrate's dead letter (the malformed webhook above) is a failed item too, beside the copies' identity.
    expect(day.summary).toMatchObject({ imported: 7, failed: 3, rejected: 1, unmapped: 1, pending: 0, failedUpstream: 1 });
    const present = [rejectedId, unmappedId, external, refused, sim.ids.message('m1')];
    check('CSV', statusLogCsv(log), present);
    check('JSON', statusLogJson(log), present);

    const http = await fetch(`${front.url}/ops/log?format=json`, { headers: bearer() });
    expect(http.status).toBe(200);
    check('/ops/log', await http.text(), present);

    const status = await fetch(`${front.url}/ops/api/status`, { headers: bearer() });
    expect(status.status).toBe(200);
    const body = await status.text();
    check('/ops/api/status', body, [rejectedId, external, refused, groupName(config, 'import')]);
    expect(JSON.parse(body).today.counts).toMatchObject({ imported: 7, failed: 4, parked: 0, rejected: 1, unmapped: 1 });

    const cli = spawnCli(['status', '--log', '--format', 'csv'], env);
    expect(await cli.exited, cli.output()).toBe(0);
    check('status --log', cli.output(), present);
  });
});
