import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hydrateProcessor } from '../../processors/hydrate/index.js';
import { kafkaCheckpoints } from '../../src/capture/checkpoints.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { buildReceiver } from '../../src/capture/receiver.js';
import { createRoomCache } from '../../src/capture/room-cache.js';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig, webexSource } from '../../src/capture/webex-source.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import { topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type ExpectedVersion, type WebexSimulator } from '../../src/simulator/index.js';
import { testConfig } from '../support/config.js';
import { waitUntil } from '../support/wait.js';

const SECRET = 'capture-test-webhook-secret';
const key = (messageId: string, event: string) => `${messageId}/${event}`;

async function readRaw(rt: Runtime): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(rt.config, 'raw'), (v) => v && out.push(v));
  return out;
}

/** Per message: its final state's event kinds we must see through webhooks (created or its last edit, and a deletion). */
function webhookOracle(expected: ExpectedVersion[]): Map<string, Set<string>> {
  const byMessage = new Map<string, ExpectedVersion[]>();
  for (const v of expected) byMessage.set(v.messageId, [...(byMessage.get(v.messageId) ?? []), v]);
  const out = new Map<string, Set<string>>();
  for (const [id, versions] of byMessage) out.set(id, new Set(versions.map((v) => (v.kind === 'deleted' ? 'deleted' : 'created-or-updated'))));
  return out;
}

async function checkAttachments(rt: Runtime, raws: RawMessage[], expected: ExpectedVersion[]): Promise<number> {
  const sha = new Map(expected.flatMap((v) => v.files.map((f) => [f.url, f.sha256] as const)));
  let checked = 0;
  for (const r of raws) {
    for (const f of r.files) {
      expect(f.status).toBe('stored');
      expect(f.sha256).toBe(sha.get(f.url));
      if (checked < 5) {
        const bytes = await buffer(await rt.blob.openRead(f.container, f.blobName));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      }
      checked++;
    }
  }
  return checked;
}

describe('capture: every message reaches webex.raw.v1 (simulator → real Kafka, Azurite)', () => {
  let sim: WebexSimulator;
  beforeAll(async () => {
    sim = await startWebexSimulator({ seed: { seed: 11, users: 5, rooms: 4, messages: 40 }, holdMessages: true });
  });
  afterAll(async () => { await sim?.close(); });

  let webhookRt: Runtime;
  let hydrate: RunningProcessor | undefined;
  let receiverClose: (() => Promise<void>) | undefined;
  afterAll(async () => { await hydrate?.stop(); await receiverClose?.(); await webhookRt?.close(); });

  it('through webhooks alone: signed deliveries → receiver → hydrate, files claim-checked by SHA-256', async () => {
    webhookRt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET }));
    const app = buildReceiver({ config: webhookRt.config, publisher: webhookRt.publisher, logger: webhookRt.logger });
    await app.listen({ host: '127.0.0.1', port: 0 });
    receiverClose = () => app.close();
    const target = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/webex`;
    const client = createWebexFromConfig(webhookRt.config, webhookRt.logger);
    const plan = await applyRegistration(client, target, SECRET);
    expect(plan.create).toHaveLength(2);
    expect((await applyRegistration(client, target, SECRET)).keep).toHaveLength(2); // idempotent

    hydrate = await runProcessor(hydrateProcessor(webhookRt), webhookRt);
    const played = await sim.playLive();
    expect(played.versions).toBeGreaterThan(40);

    const expected = sim.expected();
    const oracle = webhookOracle(expected);
    let raws: RawMessage[] = [];
    await waitUntil(async () => {
      raws = await readRaw(webhookRt);
      const seen = new Set(raws.map((r) => key(r.message.id, r.event === 'deleted' ? 'deleted' : 'created-or-updated')));
      return [...oracle].every(([id, kinds]) => [...kinds].every((k) => seen.has(key(id, k))));
    }, 90_000, 'every message through webhooks');
    expect(raws.every((r) => r.source === 'webhook')).toBe(true);
    expect(await checkAttachments(webhookRt, raws, expected)).toBeGreaterThan(0);
  });

  it('through the crawler alone: every version from the Events API, exactly, with a checkpoint', async () => {
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
    try {
      const source = webexSource(createWebexFromConfig(rt.config, rt.logger));
      const deps = { source, reader: source, blob: rt.blob, rooms: createRoomCache(source), attachmentsContainer: rt.config.attachmentsContainer, logger: rt.logger, publisher: rt.publisher, checkpoints: kafkaCheckpoints(rt) };
      const expected = sim.expected();
      const first = expected.map((v) => Date.parse(v.at)).reduce((a, b) => Math.min(a, b));
      const result = await crawlEvents(deps, { now: new Date(), overlapMinutes: 0, windowMinutes: 60 * 24 * 30, firstRunLookbackHours: (Date.now() - first) / 3600_000 + 1 });
      const raws = await readRaw(rt);
      expect(result.published).toBe(raws.length);
      // A deletion's time is when the event happened (played live here); created and edits carry their own times.
      const got = raws.map((r) => key(r.message.id, r.event === 'deleted' ? 'deleted' : `${r.event}@${r.versionAt}`)).sort();
      const want = expected.map((v) => key(v.messageId, v.kind === 'deleted' ? 'deleted' : `${v.kind}@${v.at}`)).sort();
      expect(got).toEqual(want);
      await checkAttachments(rt, raws, expected);
      expect((await kafkaCheckpoints(rt).get('events'))?.complete).toBe(true);
    } finally {
      await rt.close();
    }
  });
});
