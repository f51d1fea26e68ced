import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailPlan } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { runProcessor, type ProcessorSpec, type RunningProcessor } from '../../src/kafka/runner.js';
import { fetchTopicOffsets } from '../../src/kafka/admin-offsets.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { samplePlan } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

// Independent records (ordering 'none'): the next chunk is worked on while a chunk's slowest item
// is still running, yet outputs and commits go chunk by chunk in input order (real Kafka).
describe('runner: chunks of independent records overlap (real Kafka + schema registry)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig()); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('the first chunk\'s slow item waits for the second chunk to start, and the outputs still come in input order', async () => {
    const plans = Array.from({ length: 6 }, (_, i) => samplePlan({ itemId: `overlap-${i}:created:1`, webexMessageId: `overlap-${i}` }));
    // One key, so one partition: the order of the outputs is the order of the input.
    await rt.publisher.publish(plans.map((p) => ({ topic: 'unique' as const, key: 'one-room', value: p })));

    let secondChunkStarted!: () => void;
    const started = new Promise<void>((resolve) => { secondChunkStarted = resolve; });
    const seen: string[] = [];
    const spec: ProcessorSpec<'unique', 'limited'> = {
      name: 'overlap-probe', input: 'unique', outputs: ['limited'], chunkSize: 2, keyConcurrency: 2, ordering: 'none',
      async transform(plan) {
        if (plan.itemId === plans[2]!.itemId) { seen.push('second chunk started'); secondChunkStarted(); }
        // With one chunk at a time the second chunk cannot start first: the wait ends after 15 s instead.
        if (plan.itemId === plans[0]!.itemId) {
          await Promise.race([started, new Promise((r) => setTimeout(r, 15_000))]);
          seen.push('first item done');
        }
        return [{ topic: 'limited', key: 'one-room', value: plan }];
      },
    };
    running = await runProcessor(spec, { ...rt, config: rt.config });

    const out: string[] = [];
    await waitUntil(async () => {
      out.length = 0;
      await readTopicToEnd<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'limited'), (v) => v && out.push(v.itemId));
      return out.length >= plans.length;
    }, 60_000);
    expect(seen).toEqual(['second chunk started', 'first item done']);
    expect(out).toEqual(plans.map((p) => p.itemId));

    await waitUntil(async () => {
      const admin = rt.kafka.admin();
      await admin.connect();
      try {
        const topic = topicName(rt.config, 'unique');
        const ends = await fetchTopicOffsets(admin, topic);
        const [committed] = await admin.fetchOffsets({ groupId: groupName(rt.config, 'overlap-probe'), topics: [topic] });
        const total = (xs: { offset: string }[]) => xs.reduce((s, x) => s + Math.max(0, Number(x.offset)), 0);
        return total(committed!.partitions) === total(ends);
      } finally { await admin.disconnect(); }
    }, 30_000);
  });

  it('with chunksInFlight 3, a slow first item waits for the third chunk to start (one record per chunk)', async () => {
    const plans = Array.from({ length: 4 }, (_, i) => samplePlan({ itemId: `deep-${i}:created:1`, webexMessageId: `deep-${i}` }));
    await rt.publisher.publish(plans.map((p) => ({ topic: 'unique' as const, key: 'one-room', value: p })));
    let thirdStarted!: () => void;
    const started = new Promise<void>((resolve) => { thirdStarted = resolve; });
    const seen: string[] = [];
    const spec: ProcessorSpec<'unique', 'limited'> = {
      name: 'overlap-deep-probe', input: 'unique', outputs: ['limited'], chunkSize: 1, ordering: 'none', chunksInFlight: 3,
      async transform(plan) {
        if (plan.itemId === plans[2]!.itemId) { seen.push('third chunk started'); thirdStarted(); }
        // With two chunks in flight the third cannot start before the first ends: 15 s, then it does.
        if (plan.itemId === plans[0]!.itemId) {
          await Promise.race([started, new Promise((r) => setTimeout(r, 15_000))]);
          seen.push('first item done');
        }
        return [{ topic: 'limited', key: 'one-room', value: plan }];
      },
    };
    const deep = await runProcessor(spec, { ...rt, config: rt.config });
    try {
      await waitUntil(async () => seen.length >= 2, 60_000);
      expect(seen).toEqual(['third chunk started', 'first item done']);
    } finally {
      await deep.stop();
    }
  });
});
