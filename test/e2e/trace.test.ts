import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import { loadConfig } from '../../src/config/load.js';
import type { ImportTask, Outcome } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { formatTrace } from '../../src/ops/trace-format.js';
import { readTrace } from '../../src/ops/trace-read.js';
import type { TraceReport } from '../../src/ops/trace.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { startWebexSimulator, type OrgFixture, type WebexSimulator } from '../../src/simulator/index.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { testCrawlerDeps } from '../support/capture.js';
import { launchChromium } from '../support/chromium.js';
import { spawnCli } from '../support/cli.js';
import { testEnv, uniqueId } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

const SECRET = 'trace-webhook-secret-17';
const TEXT = 'Rates at 4.15, keep it quiet';
const EDIT = 'Rates at 4.20, keep it quiet';

function fixture(id: string): OrgFixture {
  const people = ['alice', 'bob', 'carol', 'dave'].map((key) => ({ key, email: `${key}-${id}@example.com`, displayName: key }));
  return {
    org: { domains: ['example.com'] },
    people: [...people, { key: 'ext', email: `ext-${id}@partner.test`, displayName: 'Outside Partner' }],
    teams: [],
    rooms: [{ key: 'r1', type: 'group', title: 'Rates desk', created: '2026-01-05T09:00:00.000Z' }],
    memberships: [...people, { key: 'ext' }].map((p) => ({ room: 'r1', person: p.key, joined: '2026-01-05T09:00:00.000Z', left: null })),
    messages: [
      { key: 'm1', room: 'r1', person: 'alice', created: '2026-01-05T09:01:00.000Z', text: TEXT, html: `<p>${TEXT}</p>`, parent: null,
        edits: [{ at: '2026-01-05T09:02:00.000Z', text: EDIT }], deleted: '2026-01-05T09:03:00.000Z', files: [] },
      // Webex refuses to edit a message with files, so the attachment is on another message.
      { key: 'm2', room: 'r1', person: 'bob', created: '2026-01-05T09:04:00.000Z', text: 'another message', html: null, parent: null, edits: [], deleted: null,
        files: [{ name: 'terms.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 terms').toString('base64'), size: null }] },
    ],
  };
}

// One message edited, deleted and fanned out to four mailboxes, one of them refusing (parked), and
// an external participant with no mailbox, through the real receiver, Kafka, Azurite and a Maildir; then `trace` tells its story
// from Kafka and blob storage alone.
describe('trace: one Webex message through the whole pipeline', () => {
  const id = uniqueId();
  const mailboxes = ['alice', 'bob', 'carol', 'dave'].map((k) => `${k}-${id}@example.com`);
  // Maildir, so one mailbox can be made to refuse (its folder's name taken by a file): its copies
  // are parked on the retry topics, due back in an hour, while the others are imported.
  const env = testEnv({ WXA_WEBHOOK_SECRET: SECRET, WXA_SINK: 'maildir', WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com', WXA_UNMAPPED_POLICY: 'record', WXA_IMPORT_RETRY_DELAYS: '3600,3600,3600' });
  const refused = mailboxes[3]!;
  let sim: WebexSimulator;
  let service: ArchiverService;
  let messageId: string;
  const outcomes = async () => {
    const out: Outcome[] = [];
    await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'outcomes'), (v) => v && out.push(v));
    return out;
  };

  beforeAll(async () => {
    sim = await startWebexSimulator({ fixture: fixture(id), holdMessages: true });
    env.WXA_WEBEX_BASE_URL = sim.baseUrl;
    const config = loadConfig({}, env);
    const blocked = maildirFolderPath(config.maildirRoot, refused, config.mailFolder);
    mkdirSync(path.dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'not a folder');
    service = await startService(config);
    await applyRegistration(createWebexFromConfig(config, service.rt.logger), `${service.url}/webhooks/webex`, SECRET);
    await sim.playLive();
    const count = async (kind: Outcome['kind']) => (await outcomes()).filter((o) => o.kind === kind).length;
    await waitUntil(async () => (await count('imported')) >= 2 * 3 + 3 && (await count('parked')) >= 2 + 1, 90_000, 'the webhooks imported and parked');
    // Played at once, the created webhook is hydrated after the edit, so webhooks alone hold the
    // edited version only; the reconciliation crawl (the Events API) brings the created one.
    await crawlEvents(testCrawlerDeps(service.rt), { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: 1 });
    await waitUntil(async () => (await count('imported')) >= 3 * 3 + 3 && (await count('parked')) >= 3 + 1, 90_000, 'three versions of m1 and m2 imported into three mailboxes and parked for the fourth');
    messageId = (await outcomes()).find((o) => o.kind === 'imported' && o.webexCreated === '2026-01-05T09:01:00.000Z')!.webexMessageId;
    // A redelivered import task: the import stage finds the Message-ID and writes a duplicate.
    const tasks: ImportTask[] = [];
    await readTopicToEnd<ImportTask>(service.rt.kafka, service.rt.serde, topicName(config, 'imports'), (v) => v && tasks.push(v));
    const again = tasks.find((t) => t.webexMessageId === messageId && t.itemId.includes(':created:') && t.mailbox === mailboxes[2])!;
    await service.rt.publisher.publish([{ topic: 'imports', key: again.mailbox, value: again }]);
    await waitUntil(async () => (await outcomes()).some((o) => o.kind === 'duplicate'), 60_000, 'the duplicate outcome');
  }, 240_000);
  afterAll(async () => { await service?.stop(); await sim?.close(); });

  const check = (r: TraceReport) => {
    expect(r.found).toBe(true);
    expect(r.webexMessageId).toBe(messageId);
    expect(r.versions.map((v) => v.event)).toEqual(['created', 'updated', 'deleted']);
    expect(r.deliveries.map((d) => d.event).sort()).toEqual(['created', 'deleted', 'updated']);
    expect(r.deliveries.every((d) => d.consumed === true)).toBe(true);
    expect(r.versions[0]!.sources).toContain('crawler');
    expect(r.versions[1]!.sources.sort()).toEqual(['crawler', 'webhook']);
    // The same version through both paths: two converted records, one past dedupe.
    expect(r.versions[1]!.stages.find((s) => s.topic === 'converted')!.positions.length).toBeGreaterThanOrEqual(2);
    expect(r.versions[1]!.stages.find((s) => s.topic === 'unique')!.positions).toHaveLength(1);
    for (const v of r.versions) {
      expect(v.stages.map((s) => s.topic)).toEqual(['raw', 'converted', 'unique', 'limited', 'staged', 'imports']);
      expect(v.reached).toBe('imports');
      expect(v.stages.flatMap((s) => s.positions).every((p) => p.consumed === true), v.event).toBe(true);
      expect(v.limit?.decision).toBe('pass');
      expect(v.staged!.blob).toEqual({ present: true, size: v.staged!.size, sha256: v.staged!.sha256, matches: true });
      expect(v.staged!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(v.mailboxes.map((m) => m.mailbox)).toEqual(mailboxes);
      expect(v.mailboxes.every((m) => m.task !== null)).toBe(true);
      expect(v.mailboxes.filter((m) => m.mailbox !== refused).every((m) => m.outcomes[0]?.kind === 'imported' && m.state === 'imported')).toBe(true);
      const parked = v.mailboxes.find((m) => m.mailbox === refused)!;
      expect(parked.state).toBe('parked');
      expect(parked.outcomes[0]!.reason).toMatch(/^MAILBOX_UNAVAILABLE: /);
      // Where the copy is now: on the first retry topic, due in an hour, not yet sent back.
      expect(parked.parked).toEqual([expect.objectContaining({ topic: 'importsRetry1', parks: 1, errorCode: 'MAILBOX_UNAVAILABLE', consumedBy: 'import-retry-1', consumed: false })]);
      expect(Date.parse(parked.parked[0]!.dueAt) - Date.now()).toBeGreaterThan(50 * 60_000);
      expect(v.otherOutcomes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'unmapped', processor: 'route', participantEmail: `ext-${id}@partner.test` })]));
      // The fixture's dates are older than the Events API's reach, so convert also notes that the
      // participants came from the current membership (a `noted` outcome).
      expect(v.otherOutcomes.filter((o) => o.kind !== 'noted').map((o) => o.kind)).toEqual(['unmapped']);
    }
    const created = r.versions[0]!;
    expect(created.mailboxes[2]!.outcomes.map((o) => o.kind)).toEqual(['imported', 'duplicate']);
    // The other message's versions are not part of this story.
    expect(r.versions.every((v) => !v.mailboxes.some((m) => m.outcomes.length === 0))).toBe(true);
    const json = JSON.stringify(r);
    expect(json).not.toContain('Rates at');
    expect(json).not.toContain('terms.pdf');
  };

  it('by Webex message id: every version, stage by stage, its blob checked, each mailbox\'s outcome; no text', async () => {
    const r = await readTrace(service.rt, messageId);
    check(r);
    expect(r.scanned.find((s) => s.topic.endsWith('webex.raw.v1'))!.records).toBeGreaterThanOrEqual(4);
    const text = formatTrace(r);
    expect(text).toContain(`message ${messageId}`);
    expect(text).toContain('present, size and SHA-256 match');
    expect(text).toContain('imported → duplicate');
    expect(text).toContain('webex.imports.retry-1.v1');
    expect(text).toMatch(new RegExp(`mailbox +${refused.replace(/[.]/g, '\\.')} +parked +\\S+ +MAILBOX_UNAVAILABLE`));
    expect(text).not.toContain('Rates at');
  });

  it('by item id (the edit): the whole message it is a version of', async () => {
    const first = await readTrace(service.rt, messageId);
    const r = await readTrace(service.rt, first.versions[1]!.itemId);
    check(r);
    expect(r.query).toBe(first.versions[1]!.itemId);
  });

  it('`webex-archiver trace --json` prints the same report; an unknown id exits 1', async () => {
    const cli = spawnCli(['trace', messageId, '--json'], env);
    expect(await cli.exited, cli.output()).toBe(0);
    const out = cli.output();
    check(JSON.parse(out.slice(out.indexOf('{'))) as TraceReport);
    const none = spawnCli(['trace', 'no-such-id'], env);
    expect(await none.exited).toBe(1);
    expect(none.output()).toContain('Nothing in Kafka names no-such-id');
  });

  it('the dashboard\'s search box draws the same story as /ops/api/trace', async () => {
    const browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await browser.newPage();
      await page.goto(`${service.url}/ops/login`);
      await page.fill('#token', service.rt.config.operatorToken);
      await Promise.all([page.waitForURL(`${service.url}/ops/`), page.click('button[type=submit]')]);
      await page.fill('#trace-id', messageId);
      await page.click('#trace-form button[type=submit]');
      await page.waitForSelector('#trace .version', { timeout: 60_000 });
      const api = (await page.evaluate(async (id) => (await fetch(`/ops/api/trace?id=${encodeURIComponent(id)}`)).json(), messageId)) as TraceReport;
      check(api);
      expect(await page.locator('#trace .version').evaluateAll((vs) => vs.map((v) => v.getAttribute('data-item')))).toEqual(api.versions.map((v) => v.itemId));
      for (const v of api.versions) {
        const version = page.locator(`#trace .version[data-item="${v.itemId}"]`);
        expect(await version.locator('tr[data-mailbox] td.state').allTextContents()).toEqual(v.mailboxes.map((m) => m.state));
        expect(await version.locator(`tr[data-parked="${refused}"] td.state`).allTextContents()).toEqual(['waiting']);
        expect(await version.locator('tr[data-topic=blob]').textContent()).toContain(v.staged!.sha256);
        expect(await version.locator('tr[data-topic]:not([data-topic=blob])').count()).toBe(v.stages.reduce((n, s) => n + s.positions.length, 0));
      }
      expect(await page.locator('#trace').textContent()).not.toContain('Rates at');
      mkdirSync(path.resolve('.run/screenshots'), { recursive: true });
      await page.locator('#trace').screenshot({ path: path.resolve('.run/screenshots/dashboard-trace.png') });
      const bad = await page.evaluate(async () => (await fetch('/ops/api/trace?id=')).status);
      expect(bad).toBe(400);
    } finally {
      await browser.close();
    }
  });
});
