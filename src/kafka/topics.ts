import type { Admin } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { withRetriableKafka } from './admin-offsets.js';

/**
 * The topic catalog: every topic, its schema file (schemas/<base>.avsc, subject <topic>-value),
 * and whether it is compacted. Names are prefixed with config.topicPrefix so that tests and
 * tenants never see each other's records.
 */
export const TOPICS = {
  webhooks: { base: 'webex.webhooks.v1', compacted: false },
  raw: { base: 'webex.raw.v1', compacted: false },
  converted: { base: 'webex.converted.v1', compacted: false },
  unique: { base: 'webex.unique.v1', compacted: false },
  limited: { base: 'webex.limited.v1', compacted: false },
  staged: { base: 'webex.staged.v1', compacted: false },
  imports: { base: 'webex.imports.v1', compacted: false },
  outcomes: { base: 'webex.outcomes.v1', compacted: false },
  deadLetter: { base: 'webex.dead-letter.v1', compacted: false },
  checkpoints: { base: 'webex.crawler.checkpoints.v1', compacted: true },
  dedupeState: { base: 'webex.dedupe.state.v1', compacted: true },
  smtpLedger: { base: 'webex.smtp.ledger.v1', compacted: true },
} as const;

export type TopicKey = keyof typeof TOPICS;

export function topicName(config: Pick<Config, 'topicPrefix'>, key: TopicKey): string {
  return config.topicPrefix + TOPICS[key].base;
}

export function groupName(config: Pick<Config, 'topicPrefix'>, processor: string): string {
  return `${config.topicPrefix}webex-archiver.${processor}`;
}

/** Creates every missing topic with the configured partitions; compacted ones get cleanup.policy=compact. */
export async function ensureTopics(admin: Admin, config: Pick<Config, 'topicPrefix' | 'topicPartitions' | 'topicReplication'>): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = (Object.keys(TOPICS) as TopicKey[]).filter((k) => !existing.has(topicName(config, k)));
  if (missing.length > 0) await createMissing(admin, config, missing);
  // Then wait until every partition has a leader, whoever created the topics. kafkajs'
  // waitForLeaders retries only LEADER_NOT_AVAILABLE, but the KRaft broker answers a topic created
  // a moment ago with UNKNOWN_TOPIC_OR_PARTITION, which failed ensureTopics when two processes
  // started at once (test/kafka/topics.test.ts); and the process that lost that race returned
  // without waiting at all, so its first produce could meet a leaderless partition.
  const names = (Object.keys(TOPICS) as TopicKey[]).map((k) => topicName(config, k));
  await withRetriableKafka(async () => {
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    const settling = topics.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0 || p.partitionErrorCode !== 0));
    if (settling.length) throw Object.assign(new Error(`topics without a leader yet: ${settling.map((t) => t.name).join(', ')}`), { retriable: true });
  }, 20);
}

async function createMissing(admin: Admin, config: Pick<Config, 'topicPrefix' | 'topicPartitions' | 'topicReplication'>, missing: TopicKey[]): Promise<void> {
  await admin.createTopics({
    waitForLeaders: false,
    topics: missing.map((k) => ({
      topic: topicName(config, k),
      // Compacted state topics use one partition per input partition would be ideal; a single
      // changelog keyed by item is simpler and is read whole on start-up anyway.
      numPartitions: TOPICS[k].compacted ? 1 : config.topicPartitions,
      replicationFactor: config.topicReplication,
      configEntries: TOPICS[k].compacted
        ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }, { name: 'segment.ms', value: '3600000' }]
        // 16 MiB records: a transcript or a long message's plan is one record; sends stay under 1 MB
        // (publisher.ts), so only such single records need more than a broker's default.
        : [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }, { name: 'max.message.bytes', value: String(16 * 1024 * 1024) }],
    })),
  }).catch((err: { type?: string }) => {
    // Another process created them first; that is fine.
    if (err?.type !== 'TOPIC_ALREADY_EXISTS') throw err;
  });
}
