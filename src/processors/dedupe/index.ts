import type { Kafka } from 'kafkajs';
import type { Config } from '../../config/schema.js';
import type { DedupeEntry, EmailPlan } from '../../kafka/records.js';
import { readTopicToEnd } from '../../kafka/read-topic.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { Serde } from '../../kafka/serde.js';
import { topicName } from '../../kafka/topics.js';
import { dedupePlan, type SeenSet } from './transform.js';

/**
 * Why two sets: an item may count as "seen" only once its output and its changelog entry are
 * durably in Kafka. If a chunk's publish fails, kafkajs hands the same records back to this same
 * process (its fetch restarts from the last resolved offset, with no rebalance and so no
 * onAssigned); had the items already been in `seen`, the redelivery would drop them and they would
 * reach neither webex.unique.v1 nor the changelog: lost. So a chunk's new items wait in `pending`
 * (per input partition, so a duplicate later in the same chunk is still caught) and move to `seen`
 * only when the runner reports the chunk published (onChunkSettled); an abandoned chunk's pending
 * items are forgotten and pass again on redelivery. `seen` therefore holds only items whose
 * changelog entry is durable, and restoring it from the changelog after a (re)assignment is exact.
 * This is simpler than replacing the set from the changelog on every failure: no extra Kafka read
 * on the error path and no race with other partitions' chunks still in flight.
 */
export function dedupeProcessor(deps: { kafka: Kafka; serde: Serde; config: Config }): ProcessorShell<'converted', 'unique' | 'dedupeState'> {
  const seen = new Set<string>();
  const pending = new Map<string, Set<string>>();
  const keyOf = (tp: { topic: string; partition: number }) => `${tp.topic}\u0000${tp.partition}`;
  const view = (tp: { topic: string; partition: number }): SeenSet => {
    const key = keyOf(tp);
    return {
      has: (itemId) => seen.has(itemId) || (pending.get(key)?.has(itemId) ?? false),
      add: (itemId) => {
        let p = pending.get(key);
        if (!p) { p = new Set(); pending.set(key, p); }
        p.add(itemId);
      },
    };
  };
  return {
    // After every (re)assignment, catch up with the changelog: another instance may have owned
    // these partitions and recorded items we have not seen.
    async onAssigned() {
      await readTopicToEnd<DedupeEntry>(deps.kafka, deps.serde, topicName(deps.config, 'dedupeState'), (v, key) => {
        if (v) seen.add(v.itemId); else if (key) seen.delete(key);
      });
    },
    transform: (plan, ctx) => dedupePlan(plan, view(ctx.meta), ctx.meta, new Date()),
    onChunkSettled(tp, published) {
      const key = keyOf(tp);
      const items = pending.get(key);
      pending.delete(key);
      if (published && items) for (const id of items) seen.add(id);
    },
  };
}
