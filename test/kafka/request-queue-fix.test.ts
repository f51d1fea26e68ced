import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { RequestQueue, scheduleCheckPendingRequests } from '../../src/kafka/request-queue-fix.js';
import { ensureTopics, topicName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { testConfig } from '../support/config.js';

/** The kafkajs idle-loop fix (src/kafka/request-queue-fix.ts): idle connections stay asleep, waiting requests still go. */
const logger = createLogger({ level: 'warn' });

function fakeQueue(pending: unknown[], throttledUntil: number) {
  const q = { pending, throttledUntil, throttleCheckTimeoutId: null as ReturnType<typeof setTimeout> | null, checks: [] as number[], checkPendingRequests() { q.checks.push(Date.now()); } };
  return q;
}

describe('RequestQueue.scheduleCheckPendingRequests', () => {
  it('is the patched function on the class kafkajs uses', () => {
    expect((RequestQueue.prototype as { scheduleCheckPendingRequests: unknown }).scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });

  it('arms no timer when nothing waits (kafkajs armed one with a negative delay after every response)', async () => {
    const q = fakeQueue([], -1);
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
    await new Promise((r) => setTimeout(r, 30));
    expect(q.checks).toEqual([]);
  });

  it('re-checks a waiting request when the client-side throttle ends, and only then', async () => {
    const start = Date.now();
    const q = fakeQueue(['request'], start + 60);
    scheduleCheckPendingRequests.call(q);
    scheduleCheckPendingRequests.call(q); // a second call while armed adds no timer
    await new Promise((r) => setTimeout(r, 150));
    expect(q.checks).toHaveLength(1);
    expect(q.checks[0]! - start).toBeGreaterThanOrEqual(55);
  });

  it('re-checks a request waiting for an in-flight slot after 10 ms', async () => {
    const start = Date.now();
    const q = fakeQueue(['request'], -1);
    scheduleCheckPendingRequests.call(q);
    await new Promise((r) => setTimeout(r, 60));
    expect(q.checks).toHaveLength(1);
    expect(q.checks[0]! - start).toBeGreaterThanOrEqual(8);
  });
});

describe('a real broker connection with the fix', () => {
  const config = testConfig({ WXA_TOPIC_PARTITIONS: '1' });
  const kafka = createKafka(config, logger);
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const proto = RequestQueue.prototype as { checkPendingRequests(this: unknown): void };
  const original = proto.checkPendingRequests;
  let checks = 0;

  beforeAll(async () => {
    await admin.connect();
    await ensureTopics(admin, config);
    await producer.connect();
    proto.checkPendingRequests = function (this: unknown) { checks++; return original.call(this); };
  });
  afterAll(async () => {
    proto.checkPendingRequests = original;
    await producer.disconnect();
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
    await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
  });

  it('sends every request queued behind a single in-flight slot, then stays idle', async () => {
    const topic = topicName(config, 'raw');
    // 30 sends at once through maxInFlightRequests 1: all but one wait in `pending`, each response lets the next go.
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => producer.send({ topic, acks: -1, messages: [{ key: 'k', value: `v${i}` }] })));
    expect(results.flat().every((r) => r.errorCode === 0)).toBe(true);
    checks = 0;
    await new Promise((r) => setTimeout(r, 500));
    // Unpatched, every idle connection re-checked about once a millisecond: hundreds here.
    expect(checks).toBeLessThan(5);
  });
});
