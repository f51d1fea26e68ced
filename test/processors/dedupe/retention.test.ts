import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { dedupeProcessor } from '../../../src/processors/dedupe/index.js';
import { isExpired, remember, takeExpired, type SeenTimes } from '../../../src/processors/dedupe/retention.js';
import type { DedupeEntry, EmailPlan } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../../../src/kafka/runner.js';
import { topicName } from '../../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { testConfig } from '../../support/config.js';
import { samplePlan } from '../../support/samples.js';
import { readValues } from '../../support/topic-values.js';
import { waitUntil } from '../../support/wait.js';

const DAY = 86_400_000;

describe('seen-set retention (pure)', () => {
  it('takes the oldest entries past the cutoff, at most max, and keeps the rest in order', () => {
    const seen: SeenTimes = new Map();
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    remember(seen, 'a', t0);
    remember(seen, 'b', t0 + DAY);
    remember(seen, 'c', t0 + 2 * DAY);
    remember(seen, 'a', t0 + 3 * DAY); // seen again after it expired: moves to the end
    expect(takeExpired(seen, t0 + 2 * DAY, 10)).toEqual(['b']);
    expect([...seen.keys()]).toEqual(['c', 'a']);
    expect(takeExpired(seen, t0 + 10 * DAY, 1)).toEqual(['c']);
    expect(takeExpired(seen, t0 + 10 * DAY, 5)).toEqual(['a']);
    expect(seen.size).toBe(0);
    expect(isExpired(t0, t0 + 97 * DAY + 1, 97 * DAY)).toBe(true);
    expect(isExpired(t0, t0 + 97 * DAY, 97 * DAY)).toBe(false);
  });
});

describe('dedupe retention on the changelog (real Kafka)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_TOPIC_PARTITIONS: '1', WXA_DEDUPE_RETENTION_DAYS: '97' })); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('forgets entries past the retention (tombstoned in the changelog) and still drops recent repeats', async () => {
    const old = samplePlan({ webexMessageId: 'old', itemId: 'old:created:1' });
    const recent = samplePlan({ webexMessageId: 'recent', itemId: 'recent:created:1' });
    const entry = (itemId: string, ageDays: number): DedupeEntry => ({ itemId, firstSeenAt: new Date(Date.now() - ageDays * DAY).toISOString(), sourceTopic: 'x', sourcePartition: 0, sourceOffset: '0' });
    await rt.publisher.publish([
      { topic: 'dedupeState', key: old.itemId, value: entry(old.itemId, 200) },
      { topic: 'dedupeState', key: recent.itemId, value: entry(recent.itemId, 10) },
    ]);
    await rt.publisher.publish([
      { topic: 'converted', key: old.roomId, value: old },
      { topic: 'converted', key: recent.roomId, value: recent },
    ]);
    running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, config: rt.config });
    await waitUntil(async () => (await readValues<EmailPlan>(rt, 'unique')).length >= 1, 60_000, 'the expired item in webex.unique.v1');
    // A later item marks the end of what dedupe has handled.
    const last = samplePlan({ webexMessageId: 'last', itemId: 'last:created:1' });
    await rt.publisher.publish([{ topic: 'converted', key: last.roomId, value: last }]);
    await waitUntil(async () => (await readValues<EmailPlan>(rt, 'unique')).some((p) => p.itemId === last.itemId), 60_000, 'a later item');

    expect((await readValues<EmailPlan>(rt, 'unique')).map((p) => p.itemId)).toEqual([old.itemId, last.itemId]);
    const log: { key: string | null; value: DedupeEntry | null }[] = [];
    await readTopicToEnd<DedupeEntry>(rt.kafka, rt.serde, topicName(rt.config, 'dedupeState'), (value, key) => { log.push({ key, value }); });
    // The old entry, its tombstone, then the entry of its new pass; the recent one untouched.
    expect(log.filter((r) => r.key === old.itemId).map((r) => (r.value ? Date.now() - Date.parse(r.value.firstSeenAt) > 100 * DAY : 'tombstone')))
      .toEqual([true, 'tombstone', false]);
    expect(log.filter((r) => r.key === recent.itemId)).toHaveLength(1);
  });
});
