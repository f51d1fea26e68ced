import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { Output, Publisher } from '../kafka/publisher.js';
import type { CrawlerCheckpoint, MembershipChange } from '../kafka/records.js';
import { readTopicToEnd } from '../kafka/read-topic.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { MembershipTimeline, membershipChangeKey } from './membership-timeline.js';

/**
 * The membership timeline kept in Kafka: webex.memberships.v1 (compacted) holds every change,
 * and the crawler checkpoint COVERAGE_CHECKPOINT says since when the timeline is complete. Each
 * process loads both on start (hydrate on every partition assignment, the crawler per run) and
 * adds what it records itself; one change written by two paths is one key, so one record.
 */
export const COVERAGE_CHECKPOINT = 'memberships:covered-from';

export interface MembershipStore {
  timeline(): Promise<MembershipTimeline>;
  /** Reads the topic and the coverage again (another process may have written since). */
  reload(): Promise<MembershipTimeline>;
  /**
   * Adds `changes` to the timeline and returns their records for the caller to publish. Every
   * change, known or not: a publish that failed is retried with the same changes, and compaction
   * makes a repeat one record.
   */
  outputsFor(changes: readonly MembershipChange[]): Promise<Output<'memberships'>[]>;
  /** Adds and publishes (the crawler). */
  record(changes: readonly MembershipChange[]): Promise<void>;
}

export function kafkaMembershipStore(deps: { kafka: Kafka; serde: Serde; publisher: Publisher; config: Pick<Config, 'topicPrefix'> }): MembershipStore {
  let current: Promise<MembershipTimeline> | undefined;
  const load = async (): Promise<MembershipTimeline> => {
    const t = new MembershipTimeline();
    await readTopicToEnd<MembershipChange>(deps.kafka, deps.serde, topicName(deps.config, 'memberships'), (v) => { if (v) t.add(v); });
    // The checkpoints topic itself, not a CheckpointStore's cache: the crawler may have widened it.
    await readTopicToEnd<CrawlerCheckpoint>(deps.kafka, deps.serde, topicName(deps.config, 'checkpoints'), (v) => { if (v?.name === COVERAGE_CHECKPOINT) t.coverFrom(v.cursor); });
    return t;
  };
  const timeline = () => (current ??= load().catch((err: unknown) => { current = undefined; throw err; }));
  const store: MembershipStore = {
    timeline,
    reload() {
      current = undefined;
      return timeline();
    },
    async outputsFor(changes) {
      const t = await timeline();
      for (const c of changes) t.add(c);
      return changes.map((c) => ({ topic: 'memberships' as const, key: membershipChangeKey(c), value: c }));
    },
    async record(changes) {
      await deps.publisher.publish(await store.outputsFor(changes));
    },
  };
  return store;
}
