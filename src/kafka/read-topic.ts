import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Serde } from './serde.js';
import { fetchTopicOffsets } from './admin-offsets.js';

/**
 * Reads a whole topic from the earliest offset up to the end offsets seen at the start, then
 * returns. Used to restore state from compacted changelogs (dedupe, crawler checkpoints) and to
 * read outcomes for the status log. A throwaway group id: this never commits anything.
 */
export async function readTopicToEnd<T>(kafka: Kafka, serde: Serde, topic: string, onRecord: (value: T | null, key: string | null, partition: number, offset: string, timestamp: string) => void): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string; low: string }[];
  try {
    ends = (await fetchTopicOffsets(admin, topic)).map((o) => ({ partition: o.partition, high: o.high, low: o.low }));
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map(ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]));
  if (remaining.size === 0) return 0;
  const consumer = kafka.consumer({ groupId: `webex-archiver.reader.${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
  let count = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const end = remaining.get(batch.partition);
          if (end === undefined) return;
          for (const m of batch.messages) {
            if (BigInt(m.offset) >= end) break;
            const value = m.value ? await serde.decode<T>(m.value) : null;
            onRecord(value, m.key?.toString('utf8') ?? null, batch.partition, m.offset, m.timestamp);
            count++;
          }
          const last = batch.messages[batch.messages.length - 1];
          if (last && BigInt(last.offset) + 1n >= end) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      }).catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return count;
}
