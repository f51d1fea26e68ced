import { afterAll, describe, expect, it } from 'vitest';
import { toEmailPlans } from '../../src/processors/convert/transform.js';
import type { EmailPlan, RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { itemKindOf } from '../../src/ops/outcome-rows.js';
import { createRuntime } from '../../src/runtime.js';
import { startWebexSimulator } from '../../src/simulator/index.js';
import { captureLiveThenCrawl, checkAttachments, drained, expectedVersionKey, rawVersionKey, readRaw } from '../support/capture.js';
import { testConfig } from '../support/config.js';
import { startPipeline } from '../support/pipeline.js';
import { waitUntil } from '../support/wait.js';

/**
 * What dedupe compares: the record without what legitimately differs between the two paths (who
 * captured it and when, the instant a deletion was seen, and how far each path's membership
 * timeline reached: hydrate read the events from the message's time on, this crawl only the last
 * hour; the participants themselves must agree).
 */
function content(r: RawMessage): Omit<RawMessage, 'source' | 'capturedAt' | 'participantsSource'> {
  const { source: _source, capturedAt: _capturedAt, participantsSource: _participantsSource, ...rest } = r;
  return r.event === 'deleted' ? { ...rest, versionAt: '' } : rest;
}

describe('capture through both paths into one webex.raw.v1', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('webhooks and the crawler both deliver; every version is there, and the overlaps carry the same content and ids', async () => {
    const sim = await startWebexSimulator({ seed: { seed: 12, users: 5, rooms: 4, messages: 40 }, holdMessages: true });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: 'capture-both-webhook-secret' }));
    cleanup.push(() => rt.close());
    const { expected, published } = await captureLiveThenCrawl(rt, sim, cleanup);
    expect(published).toBe(expected.length);

    const raws = await readRaw(rt);
    const bySource = (s: RawMessage['source']) => raws.filter((r) => r.source === s);
    const fromWebhooks = bySource('webhook');
    const fromCrawler = bySource('crawler');
    expect(fromWebhooks.length + fromCrawler.length).toBe(raws.length);

    const got = new Set(raws.map(rawVersionKey));
    expect(expected.map(expectedVersionKey).filter((k) => !got.has(k))).toEqual([]);
    // Nothing that is not a version of the org.
    const wanted = new Set(expected.map(expectedVersionKey));
    expect([...got].filter((k) => !wanted.has(k))).toEqual([]);

    // Both paths delivered: the crawler every version, the webhooks a subset of them (a GET after
    // a later edit archives that edit), so every webhook version is a duplicate dedupe must drop.
    const crawlerByKey = new Map(fromCrawler.map((r) => [rawVersionKey(r), r]));
    expect(crawlerByKey.size).toBe(expected.length);
    expect(fromWebhooks.length).toBeGreaterThan(expected.length / 2);
    for (const w of fromWebhooks) {
      const c = crawlerByKey.get(rawVersionKey(w));
      expect(c, `crawler record for ${rawVersionKey(w)}`).toBeDefined();
      expect(content(w)).toEqual(content(c!));
      // ...so convert gives both the same dedupe key and Message-ID.
      const [pw, pc] = [w, c!].map((r) => toEmailPlans(r, { orgDomains: ['example.com'] })[0]!);
      expect([pw!.itemId, pw!.messageId]).toEqual([pc!.itemId, pc!.messageId]);
    }
    expect(fromWebhooks.some((r) => r.event === 'deleted')).toBe(true);
    expect(fromWebhooks.some((r) => r.files.length > 0)).toBe(true);
    expect(await checkAttachments(rt, raws, expected)).toBeGreaterThan(0);

    // And dedupe does drop them: convert + dedupe on the same topics pass each version on once.
    const pipeline = await startPipeline(rt.config, ['convert', 'dedupe']);
    cleanup.push(() => pipeline.stop());
    await waitUntil(() => drained(rt, ['convert', 'dedupe']), 60_000, 'convert and dedupe to drain');
    const unique: EmailPlan[] = [];
    await readTopicToEnd<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (v) => v && unique.push(v));
    // Every version once, and the card submissions the live play made (items of their own), once each.
    expect(unique.filter((p) => itemKindOf(p.itemId) === 'message')).toHaveLength(expected.length);
    expect(unique.filter((p) => itemKindOf(p.itemId) === 'action').length).toBeGreaterThanOrEqual(3);
    expect(new Set(unique.map((p) => p.itemId)).size).toBe(unique.length);
  });
});
