import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter, Outcome, WebhookDelivery } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { buildDailyLog } from '../../src/ops/status-log.js';
import { testConfig, uniqueId } from '../support/config.js';
import { startPipeline, type TestPipeline } from '../support/pipeline.js';
import { samplePlan, sampleRaw } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

/**
 * Every dead letter writes a `failed` outcome, whichever processor gave up (before, only import
 * did, and a record that failed in hydrate, convert, stage or route was invisible in the status
 * log). Real records that fail for real reasons, on the real runner, Kafka, registry and Azurite.
 */
describe('a dead letter from any processor is a counted failed outcome (real Kafka + registry + Azurite)', () => {
  const id = uniqueId();
  let pipe: TestPipeline;
  beforeAll(async () => { pipe = await startPipeline(testConfig({ WXA_SINK: 'maildir' }), ['hydrate', 'convert', 'stage', 'route']); });
  afterAll(async () => { await pipe?.stop(); });

  it('hydrate, convert, stage and route failures each end with a failed outcome naming the processor, the ids and the reason', async () => {
    const { rt } = pipe;
    const hook: WebhookDelivery = { deliveryId: `d-${id}`, receivedAt: new Date().toISOString(), webhookId: 'w1', resource: 'messages', event: 'created', orgId: null, actorId: null, dataId: null, roomId: `R-${id}`, body: '{}' };
    // convert: a raw record without a sender address (BAD_RECORD, after it decoded fine).
    const raw = sampleRaw({ sender: { personId: 'p', email: '', displayName: 'Nobody' } });
    raw.message = { ...raw.message, id: `M-raw-${id}`, roomId: `R-${id}` };
    // stage: a plan whose date is not a time (render refuses it: BAD_RECORD).
    const plan = samplePlan({ webexMessageId: `M-plan-${id}`, itemId: `M-plan-${id}:created:1`, roomId: `R-${id}`, date: 'not a date' });
    await rt.publisher.publish([
      { topic: 'webhooks', key: hook.roomId, value: hook },
      { topic: 'raw', key: raw.message.roomId, value: raw },
      { topic: 'limited', key: plan.roomId, value: plan },
    ]);
    // route: bytes that are no Avro record at all (undecodable: named by where they came from).
    const producer = rt.kafka.producer();
    await producer.connect();
    await producer.send({ topic: topicName(rt.config, 'staged'), messages: [{ key: `R-${id}`, value: Buffer.from('garbage') }] });
    await producer.disconnect();

    let failed: Outcome[] = [];
    await waitUntil(async () => { failed = (await pipe.outcomes()).filter((o) => o.kind === 'failed'); return failed.length >= 4; }, 60_000, 'four failed outcomes');
    const dead: DeadLetter[] = [];
    await readTopicToEnd<DeadLetter>(rt.kafka, rt.serde, topicName(rt.config, 'deadLetter'), (v) => v && dead.push(v));
    expect(dead.map((d) => d.processor).sort()).toEqual(['convert', 'hydrate', 'route', 'stage']);
    expect(failed).toHaveLength(4);
    const by = (p: string) => failed.find((o) => o.processor === p)!;
    expect(by('hydrate')).toMatchObject({ itemId: `webhook:d-${id}`, roomId: `R-${id}`, mailbox: null });
    expect(by('hydrate').reason).toMatch(/^BAD_RECORD: message webhook without data.id/);
    expect(by('convert')).toMatchObject({ itemId: `M-raw-${id}:created:${Date.parse(raw.versionAt)}`, webexMessageId: `M-raw-${id}`, roomId: `R-${id}` });
    expect(by('convert').reason).toMatch(/^BAD_RECORD: raw record lacks/);
    expect(by('stage')).toMatchObject({ itemId: plan.itemId, webexMessageId: plan.webexMessageId, roomId: `R-${id}` });
    expect(by('stage').reason).toMatch(/^BAD_RECORD: plan date is not a time/);
    const routeDead = dead.find((d) => d.processor === 'route')!;
    expect(by('route')).toMatchObject({ itemId: `${routeDead.topic}:${routeDead.partition}:${routeDead.offset}`, webexMessageId: '' });
    // No message text in any reason: the raw record's and the plan's text never appear.
    for (const o of failed) expect(o.reason).not.toContain('hello');

    // The daily status log counts them beside the identity and lists each with the command that brings it back.
    const day = new Date().toISOString().slice(0, 10);
    const log = buildDailyLog({ staged: [], tasks: [], outcomes: failed }, { fromDay: day, toDay: day, now: new Date() });
    expect(log.days[0]!.summary.failedUpstream).toBe(4);
    expect(log.days[0]!.items.map((i) => i.redrive).sort()).toEqual(['convert', 'hydrate', 'route', 'stage'].map((p) => `webex-archiver redrive --processor ${p} --item '${by(p).itemId}'`).sort());
  });
});
