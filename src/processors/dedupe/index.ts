import type { Kafka } from 'kafkajs';
import type { Config } from '../../config/schema.js';
import type { DedupeEntry, EmailPlan } from '../../kafka/records.js';
import { readTopicToEnd } from '../../kafka/read-topic.js';
import type { Publisher } from '../../kafka/publisher.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { Serde } from '../../kafka/serde.js';
import { topicName } from '../../kafka/topics.js';
import { isExpired, remember, takeExpired, type SeenTimes } from './retention.js';
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
 * `seen` forgets entries past WXA_DEDUPE_RETENTION_DAYS (retention.ts).
 */
export function dedupeProcessor(deps: { kafka: Kafka; serde: Serde; publisher: Publisher; config: Config }): ProcessorShell<'converted', 'unique' | 'dedupeState'> {
  const seen: SeenTimes = new Map();
  const retentionMs = deps.config.dedupeRetentionDays * 86_400_000;
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
    // these partitions and recorded items we have not seen. Entries past the retention are not
    // kept, and tombstoned so that compaction removes them and the next restore reads less.
    async onAssigned() {
      const now = Date.now();
      const expired = new Set<string>();
      await readTopicToEnd<DedupeEntry>(deps.kafka, deps.serde, topicName(deps.config, 'dedupeState'), (v, key) => {
        const id = v?.itemId ?? key;
        if (!id) return;
        seen.delete(id);
        expired.delete(id);
        if (!v) return;
        const at = Date.parse(v.firstSeenAt);
        if (isExpired(at, now, retentionMs)) expired.add(id); else remember(seen, id, at);
      });
      const tombstones = [...expired].map((id) => ({ topic: 'dedupeState' as const, key: id, value: null }));
      for (let i = 0; i < tombstones.length; i += TOMBSTONES_PER_SEND) await deps.publisher.publish(tombstones.slice(i, i + TOMBSTONES_PER_SEND));
    },
    transform: (plan, ctx) => {
      const now = new Date();
      // Entries that age out while running leave memory here and the changelog with this chunk
      // (a tombstone is a state record, published after the chunk's outputs). Forgetting one
      // before the tombstone is durable is harmless: it is past the retention either way.
      const tombstones = takeExpired(seen, now.getTime() - retentionMs, EXPIRIES_PER_RECORD).map((id) => ({ topic: 'dedupeState' as const, key: id, value: null }));
      return [...tombstones, ...dedupePlan(plan, view(ctx.meta), ctx.meta, now)];
    },
    onChunkSettled(tp, published) {
      const key = keyOf(tp);
      const items = pending.get(key);
      pending.delete(key);
      const now = Date.now();
      if (published && items) for (const id of items) remember(seen, id, now);
    },
  };
}

/** Tombstones per publish when a restore finds expired entries (a first start after a long time). */
const TOMBSTONES_PER_SEND = 10_000;
/** Expired entries dropped per record while running: ageing out keeps pace with the intake of 97 days ago. */
const EXPIRIES_PER_RECORD = 100;
