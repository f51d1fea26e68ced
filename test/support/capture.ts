import { createHash } from 'node:crypto';
import { processorSpec } from '../../src/pipeline/processors.js';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { expect } from 'vitest';
import { hydrateProcessor } from '../../src/processors/hydrate/index.js';
import type { CrawlerDeps } from '../../src/capture/crawler.js';
import type { CrawlSource } from '../../src/capture/crawl-source.js';
import { buildReceiver } from '../../src/capture/receiver.js';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig, webexSource } from '../../src/capture/webex-source.js';
import { crawlerDeps } from '../../src/cli/commands/crawl.js';
import type { StageName } from '../../src/pipeline/stages.js';
import type { RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import { topicName } from '../../src/kafka/topics.js';
import { fetchPipelineLag } from '../../src/ops/offsets.js';
import type { Runtime } from '../../src/runtime.js';
import type { ExpectedVersion, WebexSimulator } from '../../src/simulator/index.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { waitUntil } from './wait.js';

/** Test support for the capture side (receiver, hydrate, crawler) against real Kafka and Azurite. */

/** Every message version in the runtime's webex.raw.v1, oldest first per partition. */
export async function readRaw(rt: Runtime): Promise<RawMessage[]> {
  return (await readRawItems(rt)).filter((r) => (r.kind ?? 'message') === 'message');
}

/** Every record in the runtime's webex.raw.v1 (message versions and conversation changes). */
export async function readRawItems(rt: Runtime): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  await readTopicToEnd<RawMessage>(rt.kafka, rt.serde, topicName(rt.config, 'raw'), (v) => v && out.push(v));
  return out;
}

/** True once each processor's group has committed everything in its input topic. */
export async function drained(rt: Runtime, processors: readonly StageName[]): Promise<boolean> {
  const admin = rt.kafka.admin();
  await admin.connect();
  try {
    return (await fetchPipelineLag(admin, rt.config, processors)).every((g) => !g.error && g.lagSum === 0 && g.partitions.length > 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * One message version as `id/event/time`. A deletion carries no time: the webhook and the crawler
 * see it at slightly different instants, and the archive's ids do not depend on it either.
 */
export function rawVersionKey(r: RawMessage): string {
  return `${r.message.id}/${r.event}/${r.event === 'deleted' ? '' : r.versionAt}`;
}

export function expectedVersionKey(v: ExpectedVersion): string {
  return `${v.messageId}/${v.kind}/${v.kind === 'deleted' ? '' : v.at}`;
}

/** Hours back to one hour before the oldest expected version: a first crawl that reads all of it. */
export function lookbackHoursFor(expected: ExpectedVersion[]): number {
  const first = expected.map((v) => Date.parse(v.at)).reduce((a, b) => Math.min(a, b));
  return (Date.now() - first) / 3600_000 + 1;
}

/** The crawl command's own dependencies (without its progress line), on this runtime. */
export function testCrawlerDeps(rt: Runtime, source: CrawlSource = webexSource(createWebexFromConfig(rt.config, rt.logger))): CrawlerDeps {
  return { ...crawlerDeps(rt, source), progress: undefined };
}

export interface WebhookCapture {
  /** Where the receiver listens (what the webhooks point at). */
  targetUrl: string;
  hydrate: RunningProcessor;
  stop(): Promise<void>;
}

/** The receiver on a free port, checking signatures with the runtime's WXA_WEBHOOK_SECRET. */
export async function startReceiver(rt: Runtime): Promise<{ targetUrl: string; close(): Promise<void> }> {
  const app = buildReceiver({ config: rt.config, publisher: rt.publisher, logger: rt.logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { targetUrl: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks/webex`, close: () => app.close() };
}

/**
 * The webhook path as production runs it: the receiver, the org-wide webhooks registered at the
 * simulator pointing at it (signed with the same secret), and hydrate consuming webex.webhooks.v1.
 * The runtime must point at the simulator.
 */
export async function startWebhookCapture(rt: Runtime): Promise<WebhookCapture> {
  const receiver = await startReceiver(rt);
  let hydrate: RunningProcessor;
  try {
    await applyRegistration(createWebexFromConfig(rt.config, rt.logger), receiver.targetUrl, rt.config.webhookSecret);
    hydrate = await runProcessor(processorSpec('hydrate', hydrateProcessor(rt)), rt);
  } catch (err) {
    await receiver.close();
    throw err;
  }
  return {
    targetUrl: receiver.targetUrl,
    hydrate,
    async stop() {
      await hydrate.stop();
      await receiver.close();
    },
  };
}

const key = (messageId: string, event: string) => `${messageId}/${event}`;

/** Per message: its final state's event kinds we must see through webhooks (created or its last edit, and a deletion). */
function webhookOracle(expected: ExpectedVersion[]): Map<string, Set<string>> {
  const byMessage = new Map<string, ExpectedVersion[]>();
  for (const v of expected) byMessage.set(v.messageId, [...(byMessage.get(v.messageId) ?? []), v]);
  const out = new Map<string, Set<string>>();
  for (const [id, versions] of byMessage) out.set(id, new Set(versions.map((v) => (v.kind === 'deleted' ? 'deleted' : 'created-or-updated'))));
  return out;
}

/** True once the webhook records cover the oracle: every message's final state and every deletion. */
export function coversWebhookOracle(raws: RawMessage[], expected: ExpectedVersion[]): boolean {
  const seen = new Set(raws.filter((r) => r.source === 'webhook').map((r) => key(r.message.id, r.event === 'deleted' ? 'deleted' : 'created-or-updated')));
  return [...webhookOracle(expected)].every(([id, kinds]) => [...kinds].every((k) => seen.has(key(id, k))));
}

/** Every file of these records is stored with the simulator's SHA-256; the first few are read back from the blob store. Returns how many. */
export async function checkAttachments(rt: Runtime, raws: RawMessage[], expected: ExpectedVersion[]): Promise<number> {
  const sha = new Map(expected.flatMap((v) => v.files.map((f) => [f.url, f.sha256] as const)));
  let checked = 0;
  for (const r of raws) {
    for (const f of r.files) {
      expect(f.status).toBe('stored');
      // An Adaptive Card's JSON is kept as a file too (card:<message id>/<index>): its bytes are the card's.
      const card = /^card:.*\/(\d+)$/.exec(f.url);
      const want = card ? createHash('sha256').update(r.message.cards?.[Number(card[1])] ?? '').digest('hex') : sha.get(f.url);
      expect(f.sha256).toBe(want);
      if (checked < 5) {
        const bytes = await buffer(await rt.blob.openRead(f.container, f.blobName));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      }
      checked++;
    }
  }
  return checked;
}

/**
 * Both capture paths over one org: the simulator's held messages played live through signed
 * webhooks (receiver, hydrate) until the webhooks cover them, then a crawl of the last hour (held
 * messages have no history, so every event is from the live play). Every version then sits in
 * webex.raw.v1, most of them twice. `cleanup` gets the webhook capture's stop.
 */
export async function captureLiveThenCrawl(rt: Runtime, sim: WebexSimulator, cleanup: (() => Promise<unknown>)[]): Promise<{ expected: ExpectedVersion[]; published: number }> {
  const capture = await startWebhookCapture(rt);
  cleanup.push(() => capture.stop());
  await sim.playLive();
  const expected = sim.expected();
  await waitUntil(async () => coversWebhookOracle(await readRaw(rt), expected), 90_000, 'every message through webhooks');
  const crawled = await crawlEvents(testCrawlerDeps(rt), { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: 1 });
  return { expected, published: crawled.published };
}
