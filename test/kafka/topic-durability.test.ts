import type { Admin, ITopicConfig } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { durabilityConfigEntries } from '../../src/kafka/topic-durability.js';
import { ensureTopics, TOPICS } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { testConfig } from '../support/config.js';

/** min.insync.replicas: required once there are replicas, so acks=all means two copies. */
describe('durabilityConfigEntries', () => {
  it('asks for two in-sync replicas whenever the replication factor allows it', () => {
    expect(durabilityConfigEntries(1)).toEqual([]);
    expect(durabilityConfigEntries(2)).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
    expect(durabilityConfigEntries(3)).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
    expect(durabilityConfigEntries(5)).toEqual([{ name: 'min.insync.replicas', value: '2' }]);
  });
});

describe('ensureTopics with WXA_TOPIC_REPLICATION=3 against the single local broker', () => {
  let admin: Admin;
  beforeAll(async () => {
    admin = createKafka(testConfig(), createLogger({ level: 'warn' })).admin();
    await admin.connect();
  });
  afterAll(async () => { await admin.disconnect(); });

  it('requests min.insync.replicas=2 on every topic, and the one broker refuses replication 3 (what development gives up)', async () => {
    const config = testConfig({ WXA_TOPIC_REPLICATION: '3' });
    const requested: ITopicConfig[] = [];
    // The real admin, recording what ensureTopics asks the broker for.
    const recording = Object.create(admin, {
      createTopics: { value: (req: Parameters<Admin['createTopics']>[0]) => { requested.push(...req.topics); return admin.createTopics(req); } },
    }) as Admin;
    const err = await ensureTopics(recording, config).then(() => undefined, (e: { errors?: { type: string }[] }) => e);
    expect(new Set(err?.errors?.map((e) => e.type))).toEqual(new Set(['INVALID_REPLICATION_FACTOR']));
    expect(requested).toHaveLength(Object.keys(TOPICS).length);
    for (const t of requested) {
      expect(t.replicationFactor, t.topic).toBe(3);
      expect(t.configEntries, t.topic).toContainEqual({ name: 'min.insync.replicas', value: '2' });
    }
    expect((await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix))).toEqual([]);
  });
});
