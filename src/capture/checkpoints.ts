import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { Publisher } from '../kafka/publisher.js';
import type { CrawlerCheckpoint } from '../kafka/records.js';
import { readTopicToEnd } from '../kafka/read-topic.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';

/** Crawler checkpoints in the compacted topic webex.crawler.checkpoints.v1 (key: checkpoint name). */
export interface CheckpointStore {
  get(name: string): Promise<CrawlerCheckpoint | undefined>;
  all(): Promise<Map<string, CrawlerCheckpoint>>;
  put(cp: CrawlerCheckpoint): Promise<void>;
}

export function kafkaCheckpoints(deps: { kafka: Kafka; serde: Serde; publisher: Publisher; config: Pick<Config, 'topicPrefix'> }): CheckpointStore {
  let cache: Promise<Map<string, CrawlerCheckpoint>> | undefined;
  const load = () => (cache ??= (async () => {
    const map = new Map<string, CrawlerCheckpoint>();
    await readTopicToEnd<CrawlerCheckpoint>(deps.kafka, deps.serde, topicName(deps.config, 'checkpoints'), (v, key) => {
      if (v) map.set(v.name, v); else if (key) map.delete(key);
    });
    return map;
  })());
  return {
    async get(name) { return (await load()).get(name); },
    all: load,
    async put(cp) {
      await deps.publisher.publish([{ topic: 'checkpoints', key: cp.name, value: cp }]);
      (await load()).set(cp.name, cp);
    },
  };
}
