import type { Output } from '../../kafka/publisher.js';
import type { DedupeEntry, EmailPlan } from '../../kafka/records.js';
import type { RecordMeta } from '../../kafka/runner.js';

/**
 * Drops a message version already seen (webhook and crawler overlap, redeliveries, replays of raw).
 * The seen set is the in-memory view of the compacted changelog webex.dedupe.state.v1; each new
 * item's entry is written there only after its output to webex.unique.v1 is acknowledged (a state
 * topic: publisher.ts publishes those last), so a restart restores only what was passed on. `add` records the item for the chunk being published; the shell (index.ts) makes
 * it count as seen only once that publish succeeded, so a failed publish never loses an item. The mailbox edge stays idempotent too (Message-ID lookup): a cache alone is not
 * enough for at-least-once (see benthos' dedupe processor notes).
 */
export interface SeenSet {
  has(itemId: string): boolean;
  add(itemId: string): void;
}

export function dedupePlan(plan: EmailPlan, seen: SeenSet, meta: Pick<RecordMeta, 'topic' | 'partition' | 'offset'>, now: Date): Output<'unique' | 'dedupeState'>[] {
  if (seen.has(plan.itemId)) return [];
  seen.add(plan.itemId);
  const entry: DedupeEntry = {
    itemId: plan.itemId,
    firstSeenAt: now.toISOString(),
    sourceTopic: meta.topic,
    sourcePartition: meta.partition,
    sourceOffset: meta.offset,
  };
  return [
    { topic: 'unique', key: plan.roomId, value: plan },
    { topic: 'dedupeState', key: plan.itemId, value: entry },
  ];
}
