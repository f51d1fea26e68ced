import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { TOPICS, ensureTopics, topicName, type TopicKey } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import type { Config } from '../../src/config/schema.js';
import { testConfig } from '../support/config.js';

/** ensureTopics against the real broker: every topic, the configured partitions, compaction where due. */
const KEYS = Object.keys(TOPICS) as TopicKey[];
const logger = createLogger({ level: 'warn' });
const created: string[] = [];
let admin: Admin;

beforeAll(async () => {
  admin = createKafka(testConfig(), logger).admin();
  await admin.connect();
});
afterAll(async () => {
  if (created.length) await admin.deleteTopics({ topics: created }).catch(() => undefined);
  await admin.disconnect();
});

/** Each topic of `config` as the broker describes it: partition count and cleanup.policy. */
async function describe_(config: Config): Promise<Record<string, { partitions: number; cleanupPolicy: string | undefined }>> {
  const names = KEYS.map((k) => topicName(config, k));
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })),
  });
  return Object.fromEntries(names.map((name) => [name, {
    partitions: topics.find((t) => t.name === name)!.partitions.length,
    cleanupPolicy: resources.find((r) => r.resourceName === name)!.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue,
  }]));
}

function expected(config: Config): Record<string, { partitions: number; cleanupPolicy: string }> {
  return Object.fromEntries(KEYS.map((k) => [topicName(config, k), TOPICS[k].compacted
    ? { partitions: 1, cleanupPolicy: 'compact' }
    : { partitions: config.topicPartitions, cleanupPolicy: 'delete' }]));
}

async function ourTopics(config: Config): Promise<string[]> {
  return (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix)).sort();
}

describe('ensureTopics', () => {
  it('creates every topic with config.topicPartitions partitions, the compacted ones with one partition and cleanup.policy=compact; a second call is harmless', async () => {
    const config = testConfig({ WXA_TOPIC_PARTITIONS: '5' });
    created.push(...KEYS.map((k) => topicName(config, k)));
    expect(KEYS.filter((k) => TOPICS[k].compacted).sort()).toEqual(['checkpoints', 'dedupeState', 'memberships', 'redriveLedger', 'smtpLedger']);

    await ensureTopics(admin, config);
    expect(await ourTopics(config)).toEqual(KEYS.map((k) => topicName(config, k)).sort());
    const first = await describe_(config);
    expect(first).toEqual(expected(config));

    await expect(ensureTopics(admin, config)).resolves.toBeUndefined();
    expect(await ourTopics(config)).toEqual(KEYS.map((k) => topicName(config, k)).sort());
    expect(await describe_(config)).toEqual(first);
  });

  it('two processes ensuring the same topics at once both succeed, with the same result', async () => {
    const config = testConfig({ WXA_TOPIC_PARTITIONS: '2' });
    created.push(...KEYS.map((k) => topicName(config, k)));
    const other = createKafka(config, logger, '-other').admin();
    await other.connect();
    try {
      await Promise.all([ensureTopics(admin, config), ensureTopics(other, config)]);
    } finally {
      await other.disconnect();
    }
    expect(await describe_(config)).toEqual(expected(config));
  });
});
