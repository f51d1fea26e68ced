import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSpec } from '../../src/pipeline/processors.js';
import { dedupeProcessor } from '../../src/processors/dedupe/index.js';
import type { DeadLetter, DedupeEntry, EmailPlan } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { samplePlan } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';
import { fetchTopicOffsets } from '../../src/kafka/admin-offsets.js';
import { ArchiverError } from '../../src/errors.js';

// The shared runner against the real broker and registry: dedupe as the processor under test.
describe('processor runner (real Kafka + schema registry)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig()); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('passes new items once, dead-letters an undecodable record with its bytes, and commits past both', async () => {
    const a = samplePlan();
    const b = samplePlan({ webexMessageId: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbTI', itemId: 'm2:created:1' });
    await rt.publisher.publish([
      { topic: 'converted', key: a.roomId, value: a },
      { topic: 'converted', key: a.roomId, value: a }, // redelivery of the same version
      { topic: 'converted', key: b.roomId, value: b },
    ]);
    const producer = rt.kafka.producer();
    await producer.connect();
    const garbage = Buffer.from('not avro at all');
    await producer.send({ topic: topicName(rt.config, 'converted'), messages: [{ key: a.roomId, value: garbage }] });
    await producer.disconnect();

    running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, config: rt.config });

    const unique: EmailPlan[] = [];
    const dead: DeadLetter[] = [];
    await waitUntil(async () => {
      unique.length = 0; dead.length = 0;
      await readTopicToEnd<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (v) => v && unique.push(v));
      await readTopicToEnd<DeadLetter>(rt.kafka, rt.serde, topicName(rt.config, 'deadLetter'), (v) => v && dead.push(v));
      return unique.length >= 2 && dead.length >= 1;
    }, 60_000);
    expect(unique.map((p) => p.itemId).sort()).toEqual([a.itemId, b.itemId].sort());
    expect(dead).toHaveLength(1);
    expect(dead[0]!.processor).toBe('dedupe');
    expect(dead[0]!.errorCode).toBe('BAD_RECORD');
    expect(Buffer.from(dead[0]!.value!)).toEqual(garbage);

    const state: DedupeEntry[] = [];
    await readTopicToEnd<DedupeEntry>(rt.kafka, rt.serde, topicName(rt.config, 'dedupeState'), (v) => v && state.push(v));
    expect(state.map((s) => s.itemId).sort()).toEqual([a.itemId, b.itemId].sort());

    // Committed offsets reach the end of the input: the status log shows zero lag.
    await waitUntil(async () => {
      const admin = rt.kafka.admin();
      await admin.connect();
      try {
        const ends = await fetchTopicOffsets(admin, topicName(rt.config, 'converted'));
        const [committed] = await admin.fetchOffsets({ groupId: groupName(rt.config, 'dedupe'), topics: [topicName(rt.config, 'converted')] });
        const total = (xs: { offset: string }[]) => xs.reduce((s, x) => s + Math.max(0, Number(x.offset)), 0);
        return total(committed!.partitions) === total(ends);
      } finally { await admin.disconnect(); }
    }, 30_000);
  });

  it('a restarted dedupe restores its seen set from the changelog and drops a replayed item', async () => {
    await running?.stop();
    running = undefined;
    const a = samplePlan();
    await rt.publisher.publish([{ topic: 'converted', key: a.roomId, value: a }]);
    const c = samplePlan({ webexMessageId: 'm3', itemId: 'm3:created:1' });
    await rt.publisher.publish([{ topic: 'converted', key: c.roomId, value: c }]);
    running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, config: rt.config });
    const unique: string[] = [];
    await waitUntil(async () => {
      unique.length = 0;
      await readTopicToEnd<EmailPlan>(rt.kafka, rt.serde, topicName(rt.config, 'unique'), (v) => v && unique.push(v.itemId));
      return unique.includes(c.itemId);
    }, 60_000);
    expect(unique.filter((i) => i === a.itemId)).toHaveLength(1);
  });

  it('an output the serializer rejects crashes the consumer for good: the running processor reports the fatal error instead of hanging', async () => {
    // Its own topics, so the dedupe runs above are not involved.
    const own = await createRuntime(testConfig());
    try {
      const a = samplePlan();
      await own.publisher.publish([{ topic: 'converted', key: a.roomId, value: a }]);
      // A transform bug: the output lacks every field of webex.unique.v1 but one, so publish throws
      // BAD_RECORD from serde.encode, outside the per-record dead-letter path; kafkajs does not
      // restart a consumer after a non-retriable error. The compiler refuses such an output (the
      // catalog types every topic's records); the cast stands for a value that is wrong only at run
      // time, such as an undefined field read from a bad input.
      const broken = await runProcessor({
        name: 'broken',
        input: 'converted',
        outputs: ['unique'],
        transform: (plan) => [{ topic: 'unique', key: plan.roomId, value: { itemId: plan.itemId } as unknown as EmailPlan }],
      }, { ...own, config: own.config });
      try {
        const failed = await Promise.race([broken.failed, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
        expect(failed).toBeInstanceOf(ArchiverError);
        expect((failed as ArchiverError).code).toBe('BAD_RECORD');
        expect((failed as ArchiverError).message).toContain('does not match');
      } finally { await broken.stop(); }
      // Nothing was committed: a restarted process reads the record again (at-least-once).
      const admin = own.kafka.admin();
      await admin.connect();
      try {
        const [committed] = await admin.fetchOffsets({ groupId: groupName(own.config, 'broken'), topics: [topicName(own.config, 'converted')] });
        expect(committed!.partitions.every((p) => Number(p.offset) < 0)).toBe(true);
      } finally { await admin.disconnect(); }
    } finally { await own.close(); }
  });

  it('a credential fault (disposition pause) waits in place and says so: never a dead letter, the paused gauge goes up then down', async () => {
    const own = await createRuntime(testConfig());
    try {
      const a = samplePlan();
      await own.publisher.publish([{ topic: 'converted', key: a.roomId, value: a }]);
      let refusals = 2;
      const gauge: string[] = [];
      const paused = await runProcessor({
        name: 'paused',
        input: 'converted',
        outputs: ['unique'],
        transform: (plan) => {
          if (refusals-- > 0) throw new ArchiverError('AUTH_FAILED', 'Webex GET /v1/rooms answered 401');
          return [{ topic: 'unique', key: plan.roomId, value: plan }];
        },
      }, { ...own, config: own.config, observer: { paused: (processor, code, on) => gauge.push(`${processor} ${code} ${on}`) } });
      try {
        const unique: EmailPlan[] = [];
        await waitUntil(async () => {
          unique.length = 0;
          await readTopicToEnd<EmailPlan>(own.kafka, own.serde, topicName(own.config, 'unique'), (v) => v && unique.push(v));
          return unique.length >= 1;
        }, 60_000);
        expect(unique.map((u) => u.itemId)).toEqual([a.itemId]);
        expect(gauge).toEqual(['paused AUTH_FAILED true', 'paused AUTH_FAILED false']);
        const dead: DeadLetter[] = [];
        await readTopicToEnd<DeadLetter>(own.kafka, own.serde, topicName(own.config, 'deadLetter'), (v) => v && dead.push(v));
        expect(dead).toHaveLength(0);
      } finally { await paused.stop(); }
    } finally { await own.close(); }
  }, 90_000);
});
