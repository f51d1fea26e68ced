import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ArchiverError } from '../errors.js';
import type { Serde } from '../kafka/serde.js';
import { fetchTopicOffsets, fetchTopicOffsetsByTimestamp } from '../kafka/admin-offsets.js';

export interface RecordInfo { partition: number; offset: string; key: string | null; timestamp: number }

/**
 * Reads one topic from the first record at or after `sinceMs` (Kafka's own time index, via
 * ListOffsets by timestamp) up to the end offsets seen when the call starts, then returns.
 * Reports and status logs use it so a daily log reads one day, not the whole retention.
 * A topic that does not exist reads as empty. A throwaway group that never commits; records before the start are skipped even if a fetch
 * returns them before the seek applies.
 */
export async function readTopicSince<T>(kafka: Kafka, serde: Serde, topic: string, sinceMs: number, onRecord: (value: T | null, info: RecordInfo) => void, opts: { timeoutMs?: number } = {}): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let range: Map<number, { start: bigint; end: bigint }>;
  try {
    // A topic nobody created yet (a fresh install, another prefix) simply has no records.
    if (!(await admin.listTopics()).includes(topic)) return 0;
    const ends = await fetchTopicOffsets(admin, topic);
    const starts = sinceMs > 0 ? await fetchTopicOffsetsByTimestamp(admin, topic, sinceMs) : ends.map((e) => ({ partition: e.partition, offset: e.low }));
    const startOf = new Map(starts.map((s) => [s.partition, BigInt(s.offset)]));
    range = new Map(ends.map((e) => {
      const low = BigInt(e.low);
      const start = startOf.get(e.partition) ?? low;
      return [e.partition, { start: start < low ? low : start, end: BigInt(e.high) }];
    }));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map([...range].filter(([, r]) => r.end > r.start));
  if (remaining.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: `webex-archiver.report.${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let count = 0;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new ArchiverError('TIMEOUT', `reading ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const r = remaining.get(batch.partition);
          if (!r) return;
          for (const m of batch.messages) {
            const offset = BigInt(m.offset);
            if (offset < r.start) continue;
            if (offset >= r.end) break;
            const value = m.value ? await serde.decode<T>(m.value) : null;
            onRecord(value, { partition: batch.partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, timestamp: Number(m.timestamp) });
            count++;
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= r.end) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      }).then(() => {
        for (const [partition, r] of remaining) if (r.start > 0n) consumer.seek({ topic, partition, offset: r.start.toString() });
      }, reject);
    });
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return count;
}
