import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiverError } from '../../src/errors.js';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import type { ImportTask } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { parseCommitMetadata } from '../../src/ops/lag.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { samplePlan } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

/**
 * A processor whose order matters never skips a record that fails retriably: it retries in place
 * with capped backoff and, past WXA_MAX_ATTEMPTS, reports its partition stalled (an error log and
 * webex_archiver_processor_stalled) until the record goes through. Real broker and registry; the
 * processor under test is a stand-in whose dependency is "down" until the test says otherwise.
 */
describe('a retriable failure in an ordered processor is a reported stall, not a skip (real Kafka)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig({ WXA_MAX_ATTEMPTS: '2' })); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('counts the stall while the dependency is down and clears it when the record goes through', async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    let down = true;
    let attempts = 0;
    const passed: string[] = [];
    const plan = samplePlan();
    await rt.publisher.publish([{ topic: 'converted', key: plan.roomId, value: plan }]);
    running = await runProcessor({
      name: 'ordered-stand-in', input: 'converted', outputs: [],
      transform: (p) => {
        attempts++;
        if (down) throw new ArchiverError('UNAVAILABLE', 'dependency down');
        passed.push(p.itemId);
        return [];
      },
    }, { ...rt, observer: metrics.observer });
    const gauge = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.processor === 'ordered-stand-in')?.value ?? 0;
    await waitUntil(async () => (await gauge('webex_archiver_processor_stalled')) === 1, 30_000, 'the stall to be reported');
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(passed).toEqual([]);
    await waitUntil(async () => (await gauge('webex_archiver_processor_stall_seconds')) > 0, 30_000, 'the stall to age');
    // Kafka itself says so, for `status` in any process: the group's commit metadata on that partition.
    const commitMeta = async () => {
      const admin = rt.kafka.admin();
      await admin.connect();
      try {
        const [t] = await admin.fetchOffsets({ groupId: groupName(rt.config, 'ordered-stand-in'), topics: [topicName(rt.config, 'converted')] });
        return t!.partitions.map((p) => ({ offset: p.offset, ...parseCommitMetadata(p.metadata) }));
      } finally { await admin.disconnect(); }
    };
    let meta: Awaited<ReturnType<typeof commitMeta>> = [];
    await waitUntil(async () => { meta = await commitMeta(); return meta.some((m) => m.stalledSince); }, 30_000, 'the stall in the commit metadata');
    const stalled = meta.find((m) => m.stalledSince)!;
    expect(stalled).toMatchObject({ offset: '0', stallCode: 'UNAVAILABLE' });
    down = false;
    await waitUntil(() => passed.length === 1, 60_000, 'the record to go through');
    expect(passed).toEqual([plan.itemId]);
    expect(await gauge('webex_archiver_processor_stalled')).toBe(0);
    // The next real commit replaces the notice: past the record, a time, no stall.
    await waitUntil(async () => { meta = await commitMeta(); return meta.every((m) => !m.stalledSince); }, 30_000, 'the stall notice to be replaced');
    expect(meta.find((m) => m.offset === '1')).toMatchObject({ stalledSince: null, stallCode: null });
    expect(meta.find((m) => m.offset === '1')!.committedAt).not.toBeNull();
  });

  it('in a parking processor, a pause (our credentials refused) stalls in place instead of parking every task', async () => {
    await running?.stop();
    const registry = new Registry();
    const metrics = createMetrics(registry);
    let refused = true;
    const passed: string[] = [];
    const task = { itemId: 'i-auth', webexMessageId: 'm', roomId: 'r', messageId: '<a@x>', date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z', container: 'c', blobName: 'b', size: 1, sha256: 'x', partial: false, inline: null, mailbox: 'a@example.com', participantEmail: 'a@example.com', viaFallback: false } satisfies ImportTask;
    await rt.publisher.publish([{ topic: 'imports', key: task.mailbox, value: task }]);
    running = await runProcessor({
      name: 'parking-stand-in', input: 'imports', outputs: [],
      park: { quickAttempts: 1, tiers: [{ topic: 'importsRetry1', delayMs: 1000 }] },
      transform: (t) => {
        if (refused) throw new ArchiverError('AUTH_FAILED', 'login refused');
        passed.push(t.itemId);
        return [];
      },
    }, { ...rt, observer: metrics.observer });
    const gauge = async () => (await registry.getSingleMetric('webex_archiver_processor_stalled')!.get()).values.find((v) => v.labels.processor === 'parking-stand-in')?.value ?? 0;
    await waitUntil(async () => (await gauge()) === 1, 30_000, 'the stall to be reported');
    refused = false;
    await waitUntil(() => passed.length === 1, 60_000, 'the task to go through');
    const parked: unknown[] = [];
    await readTopicToEnd(rt.kafka, rt.serde, topicName(rt.config, 'importsRetry1'), (v) => v && parked.push(v));
    expect(parked).toEqual([]);
  });
});
