import type { Kafka } from 'kafkajs';
import { createBlobStore, type BlobStore } from './blob/store.js';
import type { Config } from './config/schema.js';
import { createKafka } from './kafka/client.js';
import { createPublisher, type Publisher } from './kafka/publisher.js';
import { createSerde, type Serde } from './kafka/serde.js';
import { ensureTopics } from './kafka/topics.js';
import { createLogger, type Logger } from './log.js';

/**
 * The connections every long-running command shares: Kafka (topics ensured), the schema
 * registry, a producer and the blob store (containers ensured). Built once from the config.
 */
export interface Runtime {
  config: Config;
  logger: Logger;
  kafka: Kafka;
  serde: Serde;
  publisher: Publisher;
  blob: BlobStore;
  close(): Promise<void>;
}

export async function createRuntime(config: Config, opts: { logger?: Logger; clientSuffix?: string } = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const kafka = createKafka(config, logger, opts.clientSuffix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, config);
  } finally {
    await admin.disconnect();
  }
  const serde = createSerde(config);
  const publisher = await createPublisher(kafka, serde, config);
  const blob = createBlobStore(config);
  await blob.ensureContainers();
  return {
    config, logger, kafka, serde, publisher, blob,
    async close() { await publisher.close(); },
  };
}
