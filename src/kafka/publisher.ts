import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors.js';
import type { Serde } from './serde.js';
import { topicName, type TopicKey } from './topics.js';

/** One record to write: which topic (by catalog key), its key, and a value matching the topic's schema. */
export interface Output {
  topic: TopicKey;
  key: string | null;
  value: unknown;
}

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
      const byTopic = new Map<string, { key: string | null; value: Buffer }[]>();
      for (const o of outputs) {
        const name = topicName(config, o.topic);
        const list = byTopic.get(name) ?? [];
        list.push({ key: o.key, value: await serde.encode(o.topic, o.value) });
        byTopic.set(name, list);
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
    },
    async close() {
      if (connected) await producer.disconnect();
    },
  };
}
