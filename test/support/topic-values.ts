import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName, type TopicKey } from '../../src/kafka/topics.js';
import type { Runtime } from '../../src/runtime.js';

/** Every value (tombstones left out) of a topic of this test's prefix, read to its current end. */
export async function readValues<T>(rt: Pick<Runtime, 'kafka' | 'serde' | 'config'>, key: TopicKey): Promise<T[]> {
  const out: T[] = [];
  await readTopicToEnd<T>(rt.kafka, rt.serde, topicName(rt.config, key), (v) => { if (v) out.push(v); });
  return out;
}
