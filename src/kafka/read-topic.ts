import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ArchiverError } from '../errors.js';
import { fetchTopicOffsets, fetchTopicOffsetsByTimestamp } from './admin-offsets.js';
import type { Serde } from './serde.js';

export interface RecordInfo { partition: number; offset: string; key: string | null; timestamp: number }

/**
 * Reads one topic from the first record at or after `sinceMs` (Kafka's own time index, via
 * ListOffsets by timestamp; 0 = from the earliest offset) up to the end offsets seen when the call
 * starts, then returns the number of records read. Restoring state from a compacted changelog
 * (dedupe, crawler checkpoints) reads from the earliest offset; reports and status logs read from
 * a time, so a daily log reads one day, not the whole retention. A topic that does not exist
 * reads as empty. A throwaway group that never commits; records before the start are skipped even
 * if a fetch returns them before the seek applies.
 */
export async function readTopic<T>(kafka: Kafka, serde: Serde, topic: string, onRecord: (value: T | null, info: RecordInfo) => void, opts: { sinceMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const sinceMs = opts.sinceMs ?? 0;
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
  const consumer = kafka.consumer({ groupId: `webex-archiver.reader.${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let count = 0;
  await consumer.connect();
  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      if (opts.timeoutMs !== undefined) timer = setTimeout(() => reject(new ArchiverError('TIMEOUT', `reading ${topic} took longer than ${opts.timeoutMs} ms`)), opts.timeoutMs);
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

/** The whole topic, from the earliest offset (state restores, tests); the callback's older shape. */
export function readTopicToEnd<T>(kafka: Kafka, serde: Serde, topic: string, onRecord: (value: T | null, key: string | null, partition: number, offset: string, timestamp: string) => void): Promise<number> {
  return readTopic<T>(kafka, serde, topic, (value, i) => onRecord(value, i.key, i.partition, i.offset, String(i.timestamp)));
}
