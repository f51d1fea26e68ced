import { afterAll, describe, expect, it } from 'vitest';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { applyRegistration, WANTED } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { checkAttachments, coversWebhookOracle, expectedVersionKey, lookbackHoursFor, rawVersionKey, readRaw, startWebhookCapture, testCrawlerDeps, type WebhookCapture } from '../support/capture.js';
import { testConfig } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

const SECRET = 'capture-test-webhook-secret';
const SEED = { seed: 11, users: 5, rooms: 4, messages: 40 };

describe('capture: every message reaches webex.raw.v1 (simulator → real Kafka, Azurite)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('through webhooks alone: signed deliveries → receiver → hydrate, files claim-checked by SHA-256', async () => {
    const sim: WebexSimulator = await startWebexSimulator({ seed: SEED, holdMessages: true });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET }));
    cleanup.push(() => rt.close());
    const capture: WebhookCapture = await startWebhookCapture(rt);
    cleanup.push(() => capture.stop());
    const again = await applyRegistration(createWebexFromConfig(rt.config, rt.logger), capture.targetUrl, SECRET);
    expect(again.create).toEqual([]); // idempotent: every webhook was created once and is kept
    expect(again.keep).toHaveLength(WANTED.length);

    const played = await sim.playLive();
    expect(played.versions).toBeGreaterThan(40);

    const expected = sim.expected();
    let raws: RawMessage[] = [];
    await waitUntil(async () => coversWebhookOracle((raws = await readRaw(rt)), expected), 90_000, 'every message through webhooks');
    expect(raws.every((r) => r.source === 'webhook')).toBe(true);
    expect(await checkAttachments(rt, raws, expected)).toBeGreaterThan(0);
  });

  it('through the crawler alone: every version from the Events API, exactly, with a checkpoint', async () => {
    // Its own simulator with the history in place (no live play), so this test needs no other.
    const sim = await startWebexSimulator({ seed: SEED });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
    cleanup.push(() => rt.close());
    const expected = sim.expected();
    const result = await crawlEvents(testCrawlerDeps(rt), { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: lookbackHoursFor(expected) });
    const raws = await readRaw(rt);
    expect(result.published).toBe(raws.length);
    expect(raws.every((r) => r.source === 'crawler')).toBe(true);
    expect(raws.map(rawVersionKey).sort()).toEqual(expected.map(expectedVersionKey).sort());
    // Historic deletions keep the time they happened.
    const deletedAt = new Map(expected.filter((v) => v.kind === 'deleted').map((v) => [v.messageId, v.at]));
    expect(deletedAt.size).toBeGreaterThan(0);
    for (const r of raws.filter((x) => x.event === 'deleted')) expect(r.versionAt).toBe(deletedAt.get(r.message.id));
    expect(await checkAttachments(rt, raws, expected)).toBeGreaterThan(0);
    expect((await kafkaCheckpoints(rt).get('events'))?.complete).toBe(true);
  });
});
