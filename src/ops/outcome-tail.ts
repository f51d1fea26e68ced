import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Outcome } from '../kafka/records.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { emptyCounts, emptyKindCounts, isImportedCopy, ISSUE_KINDS, itemKindOf, toIssueRow, utcDayStart, type IssueRow, type KindCounts, type OutcomeCounts } from './outcome-rows.js';
import { fetchTopicOffsets, fetchTopicOffsetsByTimestamp } from '../kafka/admin-offsets.js';

export interface OutcomeTailView {
  today: { date: string; counts: OutcomeCounts; importedByKind: KindCounts };
  recentIssues: IssueRow[];
  /** Import outcomes (imported, partial, duplicate, failed) seen per minute, last 15 minutes, oldest first. */
  importsPerMinute: number[];
}

export interface OutcomeTail {
  view(now?: Date): OutcomeTailView;
  stop(): Promise<void>;
}

/**
 * Follows webex.outcomes.v1 for the dashboard: today's counts, the latest failed, rejected and
 * unmapped items (ids, mailbox, reason; outcomes hold no message text), and imports per minute.
 * It starts at today's first record (time index) so counts are complete after a restart, and
 * calls `onLive` only for outcomes written after it started, so a restart does not feed old
 * latencies into the histogram twice. Its group id is throwaway and it never commits.
 */
export async function startOutcomeTail(deps: { kafka: Kafka; serde: Serde; config: Pick<Config, 'topicPrefix'>; logger: Logger }, opts: { keepIssues?: number; onLive?: (o: Outcome) => void; now?: () => Date } = {}): Promise<OutcomeTail> {
  const now = opts.now ?? (() => new Date());
  const keep = opts.keepIssues ?? 100;
  const topic = topicName(deps.config, 'outcomes');
  let day = utcDayStart(now());
  let counts = emptyCounts();
  let byKind = emptyKindCounts();
  let issues: IssueRow[] = [];
  const minutes = new Map<number, number>();

  const admin = deps.kafka.admin();
  await admin.connect();
  let starts: { partition: number; offset: string }[];
  let liveFrom: Map<number, bigint>;
  try {
    starts = await fetchTopicOffsetsByTimestamp(admin, topic, day);
    liveFrom = new Map((await fetchTopicOffsets(admin, topic)).map((e) => [e.partition, BigInt(e.high)]));
  } finally {
    await admin.disconnect();
  }
  const startOf = new Map(starts.map((s) => [s.partition, BigInt(s.offset)]));

  const rollDay = (t: Date) => {
    const d = utcDayStart(t);
    if (d !== day) { day = d; counts = emptyCounts(); byKind = emptyKindCounts(); issues = issues.filter((i) => Date.parse(i.at) >= d); }
  };

  const consumer: Consumer = deps.kafka.consumer({ groupId: `webex-archiver.ops-tail.${randomUUID()}`, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      rollDay(now());
      for (const m of batch.messages) {
        const offset = BigInt(m.offset);
        if (offset < (startOf.get(batch.partition) ?? 0n) || !m.value) continue;
        let o: Outcome;
        try { o = await deps.serde.decode<Outcome>(m.value); } catch { continue; }
        const at = Date.parse(o.at);
        if (at >= day && at < day + 86_400_000) {
          counts[o.kind]++;
          if (isImportedCopy(o)) byKind[itemKindOf(o.itemId)]++;
        }
        if (ISSUE_KINDS.has(o.kind) && at >= day) {
          issues.unshift(toIssueRow(o));
          if (issues.length > keep * 2) issues = issues.sort((a, b) => b.at.localeCompare(a.at)).slice(0, keep);
        }
        if (o.processor === 'import') {
          const minute = Math.floor(at / 60_000);
          minutes.set(minute, (minutes.get(minute) ?? 0) + 1);
        }
        if (offset >= (liveFrom.get(batch.partition) ?? 0n)) opts.onLive?.(o);
      }
    },
  });
  for (const [partition, offset] of startOf) if (offset > 0n) consumer.seek({ topic, partition, offset: offset.toString() });

  return {
    view(at = now()) {
      rollDay(at);
      const current = Math.floor(at.getTime() / 60_000);
      for (const k of minutes.keys()) if (k < current - 15) minutes.delete(k);
      return {
        today: { date: new Date(day).toISOString().slice(0, 10), counts: { ...counts }, importedByKind: { ...byKind } },
        recentIssues: [...issues].sort((a, b) => b.at.localeCompare(a.at)).slice(0, keep),
        importsPerMinute: Array.from({ length: 15 }, (_, i) => minutes.get(current - 14 + i) ?? 0),
      };
    },
    async stop() { await consumer.disconnect(); },
  };
}
