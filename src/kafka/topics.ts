import type { Admin } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { withRetriableKafka } from './admin-offsets.js';
import type { CrawlerCheckpoint, DeadLetter, DedupeEntry, EmailPlan, ImportTask, MembershipChange, Outcome, ParkedRecord, RawMessage, RedriveEntry, SmtpLedgerEntry, StagedItem, WebhookDelivery } from './records.js';
import { durabilityConfigEntries } from './topic-durability.js';

/**
 * One topic of the catalog. `record` is never set: it only carries the TypeScript shape of the
 * topic's Avro record (schemas/<base>.avsc), so that an `Output` to this topic must hold that
 * shape (see publisher.ts) and a processor's input is decoded as it (see runner.ts).
 */
export interface TopicSpec<R> {
  /** The name before config.topicPrefix, and the schema file's base name. */
  base: string;
  /** Compacted state (latest record per key) instead of a time-retained log. */
  compacted: boolean;
  /** What the record key is: records of one key stay in one partition, in order. */
  key: string;
  /**
   * 'state': a topic of "done" records, each vouching that the effect or output it names is
   * already durable (dedupe's changelog says "passed on to webex.unique.v1", a checkpoint says
   * "published up to here"). The publisher writes such records only after every other record of
   * the same publish is acknowledged (publisher.ts), so a state record is never durable while
   * what it vouches for is not.
   */
  role?: 'state';
  /** The schema file's base name when several topics share one (the retry topics); else `base`. */
  schema?: string;
  readonly record?: R;
}

const topic = <R>() => <S extends Omit<TopicSpec<R>, 'record'>>(spec: S): S & TopicSpec<R> => spec;

/**
 * The topic catalog: every topic, its record type, its schema file (schemas/<base>.avsc, subject
 * <topic>-value), its key, and whether it is compacted. Names are prefixed with
 * config.topicPrefix so that tests and tenants never see each other's records. The processors
 * that read and write these topics are declared in src/pipeline/stages.ts.
 */
export const TOPICS = {
  webhooks: topic<WebhookDelivery>()({ base: 'webex.webhooks.v1', compacted: false, key: 'room id' }),
  raw: topic<RawMessage>()({ base: 'webex.raw.v1', compacted: false, key: 'room id' }),
  converted: topic<EmailPlan>()({ base: 'webex.converted.v1', compacted: false, key: 'room id', schema: 'webex.email-plan.v1' }),
  unique: topic<EmailPlan>()({ base: 'webex.unique.v1', compacted: false, key: 'room id', schema: 'webex.email-plan.v1' }),
  limited: topic<EmailPlan>()({ base: 'webex.limited.v1', compacted: false, key: 'room id', schema: 'webex.email-plan.v1' }),
  staged: topic<StagedItem>()({ base: 'webex.staged.v1', compacted: false, key: 'room id' }),
  imports: topic<ImportTask>()({ base: 'webex.imports.v1', compacted: false, key: 'mailbox' }),
  outcomes: topic<Outcome>()({ base: 'webex.outcomes.v1', compacted: false, key: 'Webex message id' }),
  deadLetter: topic<DeadLetter>()({ base: 'webex.dead-letter.v1', compacted: false, key: 'the original record key' }),
  checkpoints: topic<CrawlerCheckpoint>()({ base: 'webex.crawler.checkpoints.v1', compacted: true, key: 'checkpoint name', role: 'state' }),
  dedupeState: topic<DedupeEntry>()({ base: 'webex.dedupe.state.v1', compacted: true, key: 'item id', role: 'state' }),
  // Import's non-blocking retries (docs/operations.md "Items that cannot be archived now"): one
  // topic per delay (WXA_IMPORT_RETRY_DELAYS, default 1 min, 10 min, 1 h), so a partition's head is
  // always the next one due; all three hold ParkedRecords (schemas/webex.parked.v1.avsc).
  importsRetry1: topic<ParkedRecord>()({ base: 'webex.imports.retry-1.v1', compacted: false, key: 'mailbox', schema: 'webex.parked.v1' }),
  importsRetry2: topic<ParkedRecord>()({ base: 'webex.imports.retry-2.v1', compacted: false, key: 'mailbox', schema: 'webex.parked.v1' }),
  importsRetry3: topic<ParkedRecord>()({ base: 'webex.imports.retry-3.v1', compacted: false, key: 'mailbox', schema: 'webex.parked.v1' }),
  // What `redrive` already sent back, so a second run does not send it again.
  redriveLedger: topic<RedriveEntry>()({ base: 'webex.redrive.ledger.v1', compacted: true, key: 'dead letter topic:partition:offset', role: 'state' }),
  // The membership timeline: one record per join or leave, keyed by room and person (src/capture/membership-store.ts).
  memberships: topic<MembershipChange>()({ base: 'webex.memberships.v1', compacted: true, key: 'room id, person id and membership start' }),
  // The SMTP journaling sink's accepted items, written after the server's 250 (src/sinks/smtp/ledger.ts).
  smtpLedger: topic<SmtpLedgerEntry>()({ base: 'webex.smtp.ledger.v1', compacted: true, key: 'journal address, newline, Message-ID', role: 'state' }),
} as const;

export type TopicKey = keyof typeof TOPICS;

/** The record type a topic holds, from the catalog. */
export type RecordOf<K extends TopicKey> = (typeof TOPICS)[K] extends TopicSpec<infer R> ? R : never;

/** A topic's record, or null for a tombstone where the topic is compacted (the key is forgotten). */
export type ValueOf<K extends TopicKey> = (typeof TOPICS)[K]['compacted'] extends true ? RecordOf<K> | null : RecordOf<K>;

/** True for a topic of "done" records (`role: 'state'`), which are published last. */
export function isStateTopic(key: TopicKey): boolean {
  return (TOPICS[key] as TopicSpec<unknown>).role === 'state';
}

/** The schema file's base name: the topic's own, unless several topics share one (`schema`). */
export function schemaBase(key: TopicKey): string {
  const t: TopicSpec<unknown> = TOPICS[key];
  return t.schema ?? t.base;
}

/** The catalog key of a full topic name (with this config's prefix), if it is one of ours. */
export function topicKeyOf(config: Pick<Config, 'topicPrefix'>, name: string): TopicKey | undefined {
  return (Object.keys(TOPICS) as TopicKey[]).find((k) => topicName(config, k) === name);
}

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
      configEntries: [
        ...(TOPICS[k].compacted
          ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }, { name: 'segment.ms', value: '3600000' }]
          // 16 MiB records: a transcript or a long message's plan is one record; sends stay under 1 MB
          // (publisher.ts), so only such single records need more than a broker's default.
          : [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }, { name: 'max.message.bytes', value: String(16 * 1024 * 1024) }]),
        // min.insync.replicas >= 2 when there are replicas to require (topic-durability.ts).
        ...durabilityConfigEntries(config.topicReplication),
      ],
    })),
  }).catch((err: { type?: string }) => {
    // Another process created them first; that is fine.
    if (err?.type !== 'TOPIC_ALREADY_EXISTS') throw err;
  });
}
