import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import { splitIntoRuns } from './runs.js';
import type { Serde } from './serde.js';
import { isStateTopic, topicName, type TopicKey, type ValueOf } from './topics.js';

/**
 * One record to write: which topic (by catalog key), its key, and a value of that topic's record
 * type. `Output<'unique' | 'dedupeState'>` is a union with one member per topic, so a value
 * written to the wrong topic is a compile error, not a BAD_RECORD from the serializer at run time.
 * A null value (a tombstone) is allowed only for compacted topics.
 */
export type Output<K extends TopicKey = TopicKey> = { [T in K]: { topic: T; key: string | null; value: ValueOf<T>; headers?: Record<string, string> } }[K];

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

  async function send(outputs: readonly Output[]): Promise<void> {
    const encoded: { topic: string; key: string | null; value: Buffer | null; headers?: Record<string, string> }[] = [];
    // A null value is a tombstone (compacted topics forget the key), sent as Kafka's null value.
    for (const o of outputs) encoded.push({ topic: topicName(config, o.topic), key: o.key, value: o.value === null ? null : await serde.encode(o.topic, o.value), ...(o.headers ? { headers: o.headers } : {}) });
    // One send after another, in order, each within SEND_BUDGET_BYTES: a broker refuses a record
    // batch over its message.max.bytes (1 MB by default) however the chunk was made, and a
    // chunk of inline items fanned out to mailboxes, or of transcripts, can pass that. A failure
    // part-way is retried whole by the runner; downstream idempotency absorbs the repeat.
    for (const part of bySendBudget(encoded)) {
      const byTopic = new Map<string, { key: string | null; value: Buffer | null; headers?: Record<string, string> }[]>();
      for (const r of part) {
        const messages = byTopic.get(r.topic) ?? [];
        // Headers (a parked task's park count, see park-policy.ts PARKS_HEADER) travel with the record.
        messages.push({ key: r.key, value: r.value, ...(r.headers ? { headers: r.headers } : {}) });
        byTopic.set(r.topic, messages);
      }
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
  }

  return {
    async publish(outputs) {
      if (outputs.length === 0) return;
      await ensureConnected();
      // Phase by phase: state records only once everything they vouch for is acknowledged.
      for (const phase of publishPhases(outputs)) await send(phase);
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}

/**
 * The publish order that keeps "done" records honest: first every record for ordinary topics,
 * then, once those are all acknowledged, the records for state topics (`role: 'state'` in the
 * catalog: dedupe's changelog, crawler checkpoints). Why not one send: kafkajs writes one produce
 * request per broker and a broker answers each partition on its own (Kafka protocol, Produce API:
 * no atomicity across partitions without a transaction), so one send could leave the changelog
 * entry durable and the unique record refused; after a restart dedupe would then drop the
 * redelivered item as already seen: lost. In this order a failure can only leave the output
 * written without its state record, which costs a repeat that the mailbox's Message-ID check
 * absorbs. Order within each topic is kept.
 */
export function publishPhases(outputs: readonly Output[]): Output[][] {
  const effects = outputs.filter((o) => !isStateTopic(o.topic));
  const states = outputs.filter((o) => isStateTopic(o.topic));
  return [effects, states].filter((phase) => phase.length > 0);
}

/** Bytes of keys and values per send; a record larger than this goes alone (topics allow 16 MiB). */
export const SEND_BUDGET_BYTES = 900 * 1024;

/** Splits records, in order, into runs whose keys and values add up to at most `budget` bytes. */
export function bySendBudget<R extends { key: string | null; value: Buffer | null }>(records: readonly R[], budget = SEND_BUDGET_BYTES): R[][] {
  return splitIntoRuns(records, (r) => (r.value?.length ?? 0) + (r.key ? Buffer.byteLength(r.key) : 0), { maxBytes: budget });
}
