import type { Kafka } from 'kafkajs';
import type { Config } from '../../src/config/schema.js';
import type { DedupeEntry, EmailPlan } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import type { ProcessorSpec } from '../../src/kafka/runner.js';
import type { Serde } from '../../src/kafka/serde.js';
import { topicName } from '../../src/kafka/topics.js';
import { dedupePlan } from './transform.js';

export function dedupeProcessor(deps: { kafka: Kafka; serde: Serde; config: Config }): ProcessorSpec<EmailPlan> {
  const seen = new Set<string>();
  return {
    name: 'dedupe',
    input: 'converted',
    // After every (re)assignment, catch up with the changelog: another instance may have owned
    // these partitions and recorded items we have not seen.
    async onAssigned() {
      await readTopicToEnd<DedupeEntry>(deps.kafka, deps.serde, topicName(deps.config, 'dedupeState'), (v, key) => {
        if (v) seen.add(v.itemId); else if (key) seen.delete(key);
      });
    },
    transform: (plan, ctx) => dedupePlan(plan, seen, ctx.meta, new Date()),
  };
}
