import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { dedupeProcessor } from '../../../src/processors/dedupe/index.js';
import { ArchiverError } from '../../../src/errors.js';
import type { Publisher } from '../../../src/kafka/publisher.js';
import type { DedupeEntry, EmailPlan } from '../../../src/kafka/records.js';
import { runProcessor, type RunningProcessor } from '../../../src/kafka/runner.js';
import { topicName } from '../../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { testConfig } from '../../support/config.js';
import { samplePlan } from '../../support/samples.js';
import { readValues as read } from '../../support/topic-values.js';
import { waitUntil } from '../../support/wait.js';

/**
 * The runner's publisher fails the first produce(s) of dedupe's outputs (as Kafka does during a
 * leader election or a broker restart), then recovers. kafkajs hands the same batch back — in
 * this process, or after a consumer crash and restart — and every
 * item must still reach webex.unique.v1 and the changelog exactly once. Real broker and registry;
 * only the first publishes are made to fail.
 */
function failingFirst(times: number, real: Publisher, error: () => Error): Publisher & { failures: number } {
  const p = {
    failures: 0,
    async publish(outputs: Parameters<Publisher['publish']>[0]) {
      if (p.failures < times && outputs.some((o) => o.topic === 'unique')) {
        p.failures++;
        throw error();
      }
      await real.publish(outputs);
    },
    close: () => real.close(),
  };
  return p;
}

describe('dedupe after a failed publish (real Kafka + schema registry)', () => {
  const unavailable = () => new ArchiverError('UNAVAILABLE', 'injected: kafka send failed');
  // kafkajs retries a failed eachBatch in place (src/kafka/client.ts: 8 retries), refetching from
  // the last resolved offset; past that it crashes the consumer and restarts it (a rejoin, so
  // onAssigned runs again). One failure exercises the first path, 10 the second.
  const cases: [string, number][] = [
    ['one failure: the same process gets the batch again', 1],
    ['failures past kafkajs retries: the consumer crashes, restarts and rejoins', 10],
  ];
  for (const [name, times] of cases) {
    describe(name, () => {
      let rt: Runtime;
      let running: RunningProcessor | undefined;
      beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_TOPIC_PARTITIONS: '1' })); });
      afterAll(async () => { await running?.stop(); await rt?.close(); });

      it('loses nothing: every item reaches webex.unique.v1 and the changelog exactly once', async () => {
        const a = samplePlan();
        const b = samplePlan({ webexMessageId: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbTI', itemId: 'm2:created:1' });
        await rt.publisher.publish([
          { topic: 'converted', key: a.roomId, value: a },
          { topic: 'converted', key: b.roomId, value: b },
          { topic: 'converted', key: a.roomId, value: a }, // a true duplicate in the same chunk is still dropped
        ]);
        const flaky = failingFirst(times, rt.publisher, unavailable);
        running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, publisher: flaky, config: rt.config });

        await waitUntil(async () => (await read<EmailPlan>(rt, 'unique')).length >= 2, 90_000, 'both items in webex.unique.v1');
        expect(flaky.failures).toBe(times);
        // Let any wrongly repeated output land before counting.
        const c = samplePlan({ webexMessageId: 'm3', itemId: 'm3:created:1' });
        await rt.publisher.publish([{ topic: 'converted', key: c.roomId, value: c }]);
        await waitUntil(async () => (await read<EmailPlan>(rt, 'unique')).some((p) => p.itemId === c.itemId), 60_000, 'a later item');

        const unique = (await read<EmailPlan>(rt, 'unique')).map((p) => p.itemId).sort();
        expect(unique).toEqual([a.itemId, b.itemId, c.itemId].sort());
        const state = (await read<DedupeEntry>(rt, 'dedupeState')).map((s) => s.itemId).sort();
        expect(state).toEqual([a.itemId, b.itemId, c.itemId].sort());
      });
    });
  }
});
