import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportTask, Outcome, ParkedRecord } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { topicName } from '../../../src/kafka/topics.js';
import { readDailyLog } from '../../../src/ops/status-log-read.js';
import { formatStatus } from '../../../src/ops/status.js';
import { collectStatus } from '../../../src/ops/status-report.js';
import { startProcessor } from '../../../src/pipeline/processors.js';
import { createSink } from '../../../src/sinks/create-sink.js';
import { maildirFolderPath } from '../../../src/sinks/maildir.js';
import { testConfig, uniqueId } from '../../support/config.js';
import { startPipeline, type TestPipeline } from '../../support/pipeline.js';
import { waitUntil } from '../../support/wait.js';

/**
 * Import's non-blocking retries on the real runner, Kafka and the Maildir sink. Bob's folder
 * cannot be created (its name is taken by a file, as a misconfigured mount would leave it): his
 * tasks are parked on the retry topics while alice's keep flowing on the same partitions, and
 * once an operator removes the file they come back when due and arrive exactly once.
 * Delays are 6 s here (WXA_IMPORT_RETRY_DELAYS) instead of 1 min, 10 min, 1 h.
 */
describe('import parks a refused mailbox\'s tasks and brings them back when due (real Kafka + Maildir)', () => {
  const id = uniqueId();
  const alice = `alice-${id}@example.com`;
  const bob = `bob-${id}@example.com`;
  let pipe: TestPipeline;
  beforeAll(async () => {
    pipe = await startPipeline(testConfig({ WXA_SINK: 'maildir', WXA_IMPORT_RETRY_DELAYS: '6,6,6', WXA_IMPORT_QUICK_ATTEMPTS: '2', WXA_TOPIC_PARTITIONS: '1' }), ['import']);
  });
  afterAll(async () => { await pipe?.stop(); });

  const task = (mailbox: string, n: number): ImportTask => {
    const messageId = `<p${n}-${id}@webex-archiver.invalid>`;
    const eml = Buffer.from(`Message-ID: ${messageId}\r\nDate: Mon, 05 Jan 2026 09:0${n}:00 +0000\r\nFrom: <${alice}>\r\nSubject: item ${n}\r\n\r\nbody ${n}\r\n`);
    return {
      itemId: `M${n}-${id}:created:1`, webexMessageId: `M${n}-${id}`, roomId: `R-${id}`, messageId, date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z',
      container: 'unused', blobName: `items/${n}.eml`, size: eml.length, sha256: 'x', partial: false, inline: eml, mailbox, participantEmail: mailbox, viaFallback: false,
    };
  };
  const files = (mailbox: string) => { try { return readdirSync(path.join(maildirFolderPath(pipe.rt.config.maildirRoot, mailbox, pipe.rt.config.mailFolder), 'cur')); } catch { return []; } };

  it('other mailboxes keep flowing, the refused one is parked, and comes back when due: nothing lost, no duplicates', async () => {
    const { rt } = pipe;
    const blocked = maildirFolderPath(rt.config.maildirRoot, bob, rt.config.mailFolder);
    mkdirSync(path.dirname(blocked), { recursive: true });
    writeFileSync(blocked, 'not a folder');
    const N = 5;
    // One partition: bob's tasks sit between alice's, so a blocking retry would hold hers up.
    const tasks = Array.from({ length: N }, (_, n) => [task(bob, n), task(alice, n)]).flat();
    await rt.publisher.publish(tasks.map((t) => ({ topic: 'imports' as const, key: t.mailbox, value: t })));

    let outcomes: Outcome[] = [];
    const of = (mailbox: string, kind: Outcome['kind']) => outcomes.filter((o) => o.mailbox === mailbox && o.kind === kind);
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return of(alice, 'imported').length === N && of(bob, 'parked').length >= N; }, 60_000, 'alice imported, bob parked');
    // Import and its retry consumers stop while we look at what status shows (nothing moves), then start again.
    await pipe.running.shift()!.stop();
    // Alice's items all arrived while bob's folder still could not be created.
    expect(files(alice)).toHaveLength(N);
    expect(files(bob)).toHaveLength(0);
    expect(of(bob, 'imported')).toHaveLength(0);
    expect(of(bob, 'parked')[0]!.reason).toMatch(/^MAILBOX_UNAVAILABLE: maildir .*\(parked 1x, due /);

    const parked: ParkedRecord[] = [];
    await readTopicToEnd<ParkedRecord>(rt.kafka, rt.serde, topicName(rt.config, 'importsRetry1'), (v) => v && parked.push(v));
    expect(parked.length).toBeGreaterThanOrEqual(N);
    expect(parked[0]).toMatchObject({ processor: 'import', topic: topicName(rt.config, 'imports'), errorCode: 'MAILBOX_UNAVAILABLE', parks: 1 });
    expect(Date.parse(parked[0]!.dueAt) - Date.parse(parked[0]!.parkedAt)).toBe(6000);
    const log = await readDailyLog(rt);
    expect(log.days.at(-1)!.summary.parked).toBe(N);

    // What `status` (and its JSON, the dashboard's recovery block) shows meanwhile.
    const report = await collectStatus(rt);
    expect(report.recovery.parkedToday).toBe(N);
    expect(report.recovery.waiting!.reduce((sum, w) => sum + w.records, 0)).toBe(N);
    expect(report.recovery.latestParked[0]).toMatchObject({ kind: 'parked', processor: 'import', mailbox: bob, code: 'MAILBOX_UNAVAILABLE' });
    expect(report.recovery.latestParked[0]!.redrive).toMatch(/^webex-archiver redrive --parked --item 'M\d-/);
    expect(formatStatus(report)).toContain(`waiting on the retry topics now: ${N}`);
    const sink = createSink(rt.config, rt.logger);
    pipe.running.push(await startProcessor('import', { ...rt, sink: async () => sink }));

    rmSync(blocked); // the operator's fix
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return of(bob, 'imported').length >= N; }, 60_000, 'bob\'s parked tasks imported');
    expect(files(bob)).toHaveLength(N);
    expect(files(alice)).toHaveLength(N);
    // Exactly once per copy, and never before it was due.
    for (const n of Array.from({ length: N }, (_, i) => i)) {
      const item = `M${n}-${id}:created:1`;
      expect(outcomes.filter((o) => o.itemId === item && o.kind === 'imported').map((o) => o.mailbox).sort()).toEqual([alice, bob].sort());
      const firstPark = parked.find((p) => p.value && p.key && Buffer.from(p.key).toString() === bob && p.offset === String(2 * n))!;
      const imported = outcomes.find((o) => o.itemId === item && o.mailbox === bob && o.kind === 'imported')!;
      expect(Date.parse(imported.at)).toBeGreaterThanOrEqual(Date.parse(firstPark.dueAt));
    }
    const after = (await readDailyLog(rt)).days.at(-1)!.summary;
    expect(after).toMatchObject({ fannedOut: 2 * N, imported: 2 * N, parked: 0, failed: 0, pending: 0 });
  });
});
