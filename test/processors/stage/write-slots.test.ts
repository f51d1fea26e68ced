import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../src/blob/store.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import type { StagedItem } from '../../../src/kafka/records.js';
import { runProcessor, type RunningProcessor } from '../../../src/kafka/runner.js';
import { topicName } from '../../../src/kafka/topics.js';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { stageProcessor, stageWriteSlots } from '../../../src/processors/stage/index.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { testConfig } from '../../support/config.js';
import { samplePlan } from '../../support/samples.js';
import { waitUntil } from '../../support/wait.js';

// One busy room (one partition) and idle others, as a skewed organization is most of the time:
// stage's blob writes in flight are bounded per process, so that one partition may use them,
// never more than the process's share (real Kafka, real Azurite; the store is only counted).
describe('stage: blob writes in flight per process, not per partition', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig()); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('a lone busy partition has more than 8 writes in flight, and never more than stageWriteSlots', async () => {
    let inFlight = 0;
    let peak = 0;
    const counted = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try { return await f(...a); } finally { inFlight--; }
    };
    const blob: BlobStore = { ...rt.blob, putBytes: counted(rt.blob.putBytes), putStream: counted(rt.blob.putStream) };
    const plans = Array.from({ length: 100 }, (_, i) => {
      const id = `Y2lzY29zcGFyazovL3VzL01FU1NBR0Uvc2xvdHM${String(i).padStart(3, '0')}`;
      return samplePlan({ webexMessageId: id, itemId: `${id}:created:1`, messageId: `<msg-slots-${i}@webex-archiver.invalid>` });
    });
    expect(new Set(plans.map((p) => p.roomId)).size).toBe(1);
    await rt.publisher.publish(plans.map((p) => ({ topic: 'limited' as const, key: p.roomId, value: p })));
    running = await runProcessor(processorSpec('stage', stageProcessor({ config: rt.config, blob })), rt);
    const staged = new Set<string>();
    await waitUntil(async () => {
      await readTopicToEnd<StagedItem>(rt.kafka, rt.serde, topicName(rt.config, 'staged'), (v) => { if (v) staged.add(v.itemId); });
      return staged.size >= plans.length;
    }, 90_000, 'every item staged');
    expect(staged.size).toBe(plans.length);
    // Before, a partition had at most 8 (STAGES.stage.keyConcurrency) whatever the others did.
    expect(peak).toBeGreaterThan(8);
    expect(peak).toBeLessThanOrEqual(stageWriteSlots(rt.config));
  });
});
