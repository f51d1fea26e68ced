import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Serde } from './serde.js';
import { topicName, type RecordOf, type TopicKey } from './topics.js';

/**
 * One record to write: which topic (by catalog key), its key, and a value of that topic's record
 * type. `Output<'unique' | 'dedupeState'>` is a union with one member per topic, so a value
 * written to the wrong topic is a compile error, not a BAD_RECORD from the serializer at run time.
 */
export type Output<K extends TopicKey = TopicKey> = { [T in K]: { topic: T; key: string | null; value: RecordOf<T>; headers?: Record<string, string> } }[K];

/**
 * Encodes and writes records with acks from all in-sync replicas. Resolves only once Kafka has
 * them durably, which is what lets the receiver answer 2xx and the runner commit afterwards.
 */
export interface Publisher {
  publish(outputs: readonly Output[]): Promise<void>;
  close(): Promise<void>;
}

export async function createPublisher(kafka: Kafka, serde: Serde, config: Pick<Config, 'topicPrefix'>, opts: { connectNow?: boolean } = {}): Promise<Publisher> {
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner });
  // Connect lazily and again after a failure, so a service can start (and answer 503) while Kafka is down.
  let connected: Promise<void> | undefined;
  const ensureConnected = () => {
    connected ??= producer.connect().catch((err: unknown) => {
      connected = undefined;
      throw new ArchiverError('UNAVAILABLE', `kafka connect: ${(err as Error).message}`, { cause: err });
    });
    return connected;
  };
  if (opts.connectNow !== false) await ensureConnected().catch(() => undefined);
  return {
    async publish(outputs) {
      if (outputs.length === 0) return;
      await ensureConnected();
      const encoded: { topic: string; key: string | null; value: Buffer }[] = [];
      for (const o of outputs) encoded.push({ topic: topicName(config, o.topic), key: o.key, value: await serde.encode(o.topic, o.value) });
      // One send after another, in order, each within SEND_BUDGET_BYTES: a broker refuses a record
      // batch over its message.max.bytes (1 MB by default) however the chunk was made, and a
      // chunk of inline items fanned out to mailboxes, or of transcripts, can pass that. A failure
      // part-way is retried whole by the runner; downstream idempotency absorbs the repeat.
      for (const part of bySendBudget(encoded)) {
        const byTopic = new Map<string, { key: string | null; value: Buffer }[]>();
        for (const r of part) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { key: r.key, value: r.value }]);
        try {
          await producer.sendBatch({
            acks: -1,
            compression: CompressionTypes.None,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
        } catch (err) {
          const e = toArchiverError(err);
          // Any failure to write to Kafka may heal (leader election, broker restart).
          throw e.code === 'INTERNAL' ? new ArchiverError('UNAVAILABLE', `kafka send: ${e.message}`, { cause: err }) : e;
        }
      }
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}

/** Bytes of keys and values per send; a record larger than this goes alone (topics allow 16 MiB). */
export const SEND_BUDGET_BYTES = 900 * 1024;

/** Splits records, in order, into runs whose keys and values add up to at most `budget` bytes. */
export function bySendBudget<R extends { key: string | null; value: Buffer }>(records: readonly R[], budget = SEND_BUDGET_BYTES): R[][] {
  const parts: R[][] = [];
  let current: R[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = r.value.length + (r.key ? Buffer.byteLength(r.key) : 0);
    if (current.length > 0 && bytes + size > budget) { parts.push(current); current = []; bytes = 0; }
    current.push(r);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
