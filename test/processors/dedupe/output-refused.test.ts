import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { dedupeProcessor } from '../../../src/processors/dedupe/index.js';
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
 * The real broker refuses dedupe's output to webex.unique.v1 (the topic's max.message.bytes is
 * lowered below the record's size) while the changelog topic would accept the entry. Kafka
 * answers each partition of a produce request on its own, so a single send of both records left
 * the entry durable and the item refused; the restarted processor restored the entry and dropped
 * the redelivered item as a duplicate: lost. The item must reach webex.unique.v1 after the topic
 * accepts records again and the processor restarts.
 */
function counting(real: Publisher): Publisher & { refused: number } {
  const p = {
    refused: 0,
    async publish(outputs: Parameters<Publisher['publish']>[0]) {
      try { await real.publish(outputs); } catch (err) { p.refused++; throw err; }
    },
    close: () => real.close(),
  };
  return p;
}

async function setMaxMessageBytes(admin: Admin, topic: string, bytes: number): Promise<void> {
  // alterConfigs replaces the topic's whole override set: keep the catalog's retention too.
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [
      { name: 'max.message.bytes', value: String(bytes) },
      { name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) },
    ] }],
  });
}

describe('dedupe when the broker refuses its output but not its changelog entry (real Kafka)', () => {
  let rt: Runtime;
  let admin: Admin;
  let running: RunningProcessor | undefined;
  beforeAll(async () => {
    rt = await createRuntime(testConfig({ WXA_TOPIC_PARTITIONS: '1' }));
    admin = rt.kafka.admin();
    await admin.connect();
  });
  afterAll(async () => { await running?.stop(); await admin?.disconnect(); await rt?.close(); });

  it('the item reaches webex.unique.v1 after a restart, and no changelog entry ran ahead of it', async () => {
    const unique = topicName(rt.config, 'unique');
    const a = samplePlan({ text: 'x'.repeat(2000) });
    await setMaxMessageBytes(admin, unique, 1024);
    // The broker applies the change asynchronously: wait until it really refuses such a record.
    await waitUntil(async () => rt.publisher.publish([{ topic: 'unique', key: a.roomId, value: a }]).then(() => false, () => true), 30_000, 'the broker to refuse large records on webex.unique.v1');
    const before = (await read<EmailPlan>(rt, 'unique')).length;

    await rt.publisher.publish([{ topic: 'converted', key: a.roomId, value: a }]);
    const refusing = counting(rt.publisher);
    running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, publisher: refusing, config: rt.config });
    await waitUntil(() => refusing.refused >= 2, 120_000, 'dedupe to have its output refused');
    await running.stop();
    running = undefined;
    const entriesWhileRefused = (await read<DedupeEntry>(rt, 'dedupeState')).map((e) => e.itemId);

    await setMaxMessageBytes(admin, unique, 16 * 1024 * 1024);
    await waitUntil(async () => rt.publisher.publish([{ topic: 'unique', key: 'probe', value: samplePlan({ webexMessageId: 'probe', itemId: 'probe' }) }]).then(() => true, () => false), 30_000, 'the broker to accept records again');
    // A fresh processor, as after a restart: its seen set comes from the changelog alone.
    running = await runProcessor(processorSpec('dedupe', dedupeProcessor(rt)), { ...rt, config: rt.config });
    const c = samplePlan({ webexMessageId: 'm3', itemId: 'm3:created:1' });
    await rt.publisher.publish([{ topic: 'converted', key: c.roomId, value: c }]);
    await waitUntil(async () => (await read<EmailPlan>(rt, 'unique')).some((p) => p.itemId === c.itemId), 90_000, 'a later item in webex.unique.v1');

    const passed = (await read<EmailPlan>(rt, 'unique')).slice(before).map((p) => p.itemId);
    expect(passed).toContain(a.itemId);
    expect(passed.filter((id) => id === a.itemId)).toHaveLength(1);
    expect(entriesWhileRefused).not.toContain(a.itemId);
    expect((await read<DedupeEntry>(rt, 'dedupeState')).map((e) => e.itemId)).toContain(a.itemId);
  });
});
