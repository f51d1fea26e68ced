import { mkdirSync } from 'node:fs';
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

// One message edited, deleted and fanned out to four mailboxes (and an external participant with
// no mailbox), through the real receiver, Kafka, Azurite and Dovecot; then `trace` tells its story
// from Kafka and blob storage alone.
describe('trace: one Webex message through the whole pipeline', () => {
  const id = uniqueId();
  const mailboxes = ['alice', 'bob', 'carol', 'dave'].map((k) => `${k}-${id}@example.com`);
  const env = testEnv({ WXA_WEBHOOK_SECRET: SECRET, WXA_SINK: 'imap', WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com', WXA_UNMAPPED_POLICY: 'record' });
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
    service = await startService(config);
    await applyRegistration(createWebexFromConfig(config, service.rt.logger), `${service.url}/webhooks/webex`, SECRET);
    await sim.playLive();
    await waitUntil(async () => (await outcomes()).filter((o) => o.kind === 'imported').length >= 2 * 4 + 4, 90_000, 'the webhooks imported');
    // Played at once, the created webhook is hydrated after the edit, so webhooks alone hold the
    // edited version only; the reconciliation crawl (the Events API) brings the created one.
    await crawlEvents(testCrawlerDeps(service.rt), { now: new Date(), overlapMinutes: 0, windowMinutes: 60, firstRunLookbackHours: 1 });
    await waitUntil(async () => (await outcomes()).filter((o) => o.kind === 'imported').length >= 3 * 4 + 4, 90_000, 'three versions of m1 and m2 imported into four mailboxes');
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
      expect(v.mailboxes.every((m) => m.task !== null && m.outcomes[0]?.kind === 'imported' && m.state === 'imported')).toBe(true);
      // The fixture's dates are older than the Events API's reach, so convert also notes that the
      // participants came from the current membership (a `noted` outcome).
      expect(v.otherOutcomes.filter((o) => o.kind !== 'noted')).toEqual([expect.objectContaining({ kind: 'unmapped', processor: 'route', participantEmail: `ext-${id}@partner.test` })]);
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
