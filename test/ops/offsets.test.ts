import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { runProcessor, type RunningProcessor } from '../../src/kafka/runner.js';
import { groupName, topicName } from '../../src/kafka/topics.js';
import { fetchPipelineLag } from '../../src/ops/offsets.js';
import { readDailyLog } from '../../src/ops/status-log-read.js';
import { collectStatus } from '../../src/ops/status-report.js';
import { formatStatus } from '../../src/ops/status.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { testConfig } from '../support/config.js';
import { waitUntil } from '../support/wait.js';
import { delivery, outcomeOf, staged, task } from './support.js';

// Offsets, lag and the status log against the real broker and registry.
describe('status: lag and the daily log (real Kafka)', () => {
  let rt: Runtime;
  let admin: Admin;
  let running: RunningProcessor | undefined;
  beforeAll(async () => {
    rt = await createRuntime(testConfig());
    admin = rt.kafka.admin();
    await admin.connect();
  });
  afterAll(async () => { await running?.stop(); await admin?.disconnect(); await rt?.close(); });

  const hydrateLag = async () => (await fetchPipelineLag(admin, rt.config, ['hydrate']))[0]!;

  it('lag rises while no consumer runs and drains to zero once the processor commits', async () => {
    expect((await hydrateLag()).lagSum).toBe(0);
    await rt.publisher.publish([1, 2, 3, 4, 5].map((n) => ({ topic: 'webhooks' as const, key: `room${n % 4}`, value: delivery(n) })));
    const first = await hydrateLag();
    expect(first.lagSum).toBe(5);
    expect(first.partitions.every((p) => p.committed === null)).toBe(true);
    await rt.publisher.publish([6, 7, 8].map((n) => ({ topic: 'webhooks' as const, key: `room${n % 4}`, value: delivery(n) })));
    expect((await hydrateLag()).lagSum).toBe(8);

    // A stand-in for hydrate that accepts every delivery: the real runner, so real commits.
    running = await runProcessor({ name: 'hydrate', input: 'webhooks', outputs: [], transform: () => [] }, rt);
    await waitUntil(async () => (await hydrateLag()).lagSum === 0, 60_000, 'hydrate lag to drain');
    const drained = await hydrateLag();
    expect(drained.partitions.reduce((s, p) => s + Number(p.committed ?? 0), 0)).toBe(8);
    expect(drained.members).toBe(1);
    await running.stop();
    running = undefined;
  });

  it('status lists every processor group with its input topic and partitions', async () => {
    const report = await collectStatus(rt);
    expect(report.groups.map((g) => g.processor)).toEqual(['hydrate', 'convert', 'dedupe', 'limit', 'stage', 'route', 'import']);
    const hydrate = report.groups[0]!;
    expect(hydrate).toMatchObject({ groupId: groupName(rt.config, 'hydrate'), topic: topicName(rt.config, 'webhooks'), lagSum: 0, members: 0 });
    expect(hydrate.state).toBe('Empty');
    expect(report.groups.find((g) => g.processor === 'import')!.topic).toBe(topicName(rt.config, 'imports'));
    for (const g of report.groups) {
      expect(g.error).toBeUndefined();
      expect(g.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    }
    // Groups that never ran have committed nothing and no lag on empty topics.
    expect(report.groups.find((g) => g.processor === 'route')!.partitions.every((p) => p.committed === null && p.lag === 0)).toBe(true);
    const parsed = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(parsed.groups[0]!.partitions.reduce((s, p) => s + p.lag, 0)).toBe(0);
    expect(formatStatus(report)).toContain(`${topicName(rt.config, 'webhooks')}[0] committed=`);
  });

  it('the daily log counts add up from staged items, import tasks and outcomes', async () => {
    const a = staged('item-a', ['alice@example.com', 'bob@example.com']);
    const b = staged('item-b', ['alice@example.com', 'carol@example.com']);
    await rt.publisher.publish([
      { topic: 'staged', key: a.roomId, value: a },
      { topic: 'staged', key: b.roomId, value: b },
      { topic: 'staged', key: b.roomId, value: b }, // redelivered: one item
      ...['alice@example.com', 'bob@example.com'].map((m) => ({ topic: 'imports' as const, key: m, value: task(a, m) })),
      ...['alice@example.com', 'carol@example.com'].map((m) => ({ topic: 'imports' as const, key: m, value: task(b, m) })),
    ]);
    await new Promise((r) => setTimeout(r, 20)); // outcomes follow their tasks in time
    await rt.publisher.publish([
      { topic: 'outcomes', key: a.webexMessageId, value: outcomeOf('imported', a.itemId, 'alice@example.com') },
      { topic: 'outcomes', key: a.webexMessageId, value: outcomeOf('duplicate', a.itemId, 'bob@example.com') },
      { topic: 'outcomes', key: b.webexMessageId, value: outcomeOf('failed', b.itemId, 'carol@example.com', { reason: 'FORBIDDEN: mailbox refused' }) },
      { topic: 'outcomes', key: 'm-item-c', value: outcomeOf('rejected', 'item-c', null, { reason: 'over 10 MB' }) },
      { topic: 'outcomes', key: 'm-item-a', value: outcomeOf('unmapped', a.itemId, null, { participantEmail: 'ext@other.org' }) },
    ]);
    const log = await readDailyLog(rt);
    expect(log.days).toHaveLength(1);
    const s = log.days[0]!.summary;
    expect(s).toMatchObject({ available: 2, fannedOut: 4, imported: 1, partial: 0, skipped: 1, failed: 1, pending: 1, rejected: 1, unmapped: 1 });
    expect(s.imported + s.partial + s.skipped + s.failed + s.pending).toBe(s.fannedOut);
    expect(log.days[0]!.items.map((i) => i.kind).sort()).toEqual(['failed', 'rejected', 'unmapped']);
    expect(log.days[0]!.items.find((i) => i.kind === 'failed')).toMatchObject({ itemId: 'item-b', mailbox: 'carol@example.com', reason: 'FORBIDDEN: mailbox refused' });

    const report = await collectStatus(rt);
    expect(report.today.counts).toMatchObject({ imported: 1, duplicate: 1, failed: 1, rejected: 1, unmapped: 1, partial: 0 });
    expect(report.recentIssues).toHaveLength(3);
  });
});
