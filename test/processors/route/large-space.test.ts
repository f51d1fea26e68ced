import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTopicOffsets } from '../../../src/kafka/admin-offsets.js';
import type { StagedItem } from '../../../src/kafka/records.js';
import { INLINE_MAX_BYTES } from '../../../src/kafka/records.js';
import { runProcessor, type RunningProcessor } from '../../../src/kafka/runner.js';
import { topicName } from '../../../src/kafka/topics.js';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { routeProcessor } from '../../../src/processors/route/index.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { drained } from '../../support/capture.js';
import { testConfig } from '../../support/config.js';
import { waitUntil } from '../../support/wait.js';

/**
 * A space of 5,000 members whose messages are each as large as may ride inline (64 KiB): route
 * fanned every one into 5,000 tasks carrying the whole .eml, 320 MB of records for one message,
 * all held until the chunk was published. Memory (JS heap plus buffers) must stay within a
 * generous bound while several such messages go through, and every member still gets a task.
 */
const MEMBERS = 5000;
const MESSAGES = 4;
const GROWTH_BOUND_BYTES = 200 * 1024 * 1024;

function stagedItem(n: number): StagedItem {
  return {
    itemId: `big-${n}:created:1`, webexMessageId: `big-${n}`, roomId: 'room-big', event: 'created', messageId: `<big-${n}@webex-archiver.invalid>`,
    date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z', container: 'staging', blobName: `items/room-big/big-${n}.eml`,
    size: INLINE_MAX_BYTES, sha256: 'ab'.repeat(32), partial: false, strippedCount: 0,
    inline: Buffer.alloc(INLINE_MAX_BYTES, 0x61),
    participants: Array.from({ length: MEMBERS }, (_, i) => ({ personId: `Y2lzY29zcGFyazovL3VzL1BFT1BMRS9wZXJzb24t${i}`, email: `member${i}@example.com`, displayName: `Member ${i}` })),
  };
}

const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };

describe('route with a 5,000-member space (real Kafka)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_TOPIC_PARTITIONS: '1', WXA_ORG_DOMAINS: 'example.com' })); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('fans every message out to every member with memory that stays flat', async () => {
    for (let n = 0; n < MESSAGES; n++) await rt.publisher.publish([{ topic: 'staged', key: 'room-big', value: stagedItem(n) }]);
    const baseline = used();
    let peak = baseline;
    const sampler = setInterval(() => { peak = Math.max(peak, used()); }, 10);
    try {
      running = await runProcessor(processorSpec('route', routeProcessor(rt)), { ...rt, config: rt.config });
      await waitUntil(async () => peak - baseline > GROWTH_BOUND_BYTES || await drained(rt, ['route']), 300_000, 'route to drain webex.staged.v1');
    } finally {
      clearInterval(sampler);
    }
    expect(peak - baseline).toBeLessThan(GROWTH_BOUND_BYTES);

    const admin = rt.kafka.admin();
    await admin.connect();
    try {
      const offsets = await fetchTopicOffsets(admin, topicName(rt.config, 'imports'));
      expect(offsets.reduce((sum, o) => sum + Number(BigInt(o.high) - BigInt(o.low)), 0)).toBe(MEMBERS * MESSAGES);
    } finally {
      await admin.disconnect();
    }
  });
});
