/**
 * Topic settings that make "acks=all" durable. The receiver answers Webex 2xx only after the
 * broker acknowledged the delivery with acks from all in-sync replicas; with the broker default
 * `min.insync.replicas=1` that can be one replica, the leader alone, so losing that one broker
 * loses a delivery Webex was told was stored. With at least two replicas required in sync, an
 * acknowledged record is on two brokers, and while fewer are in sync the producer gets
 * NOT_ENOUGH_REPLICAS (retried, no 2xx) instead of a false promise. See the Kafka documentation of
 * `min.insync.replicas` (https://kafka.apache.org/documentation/#topicconfigs_min.insync.replicas).
 *
 * A single-broker cluster (replication factor 1, local development) cannot offer this: every
 * acknowledged record is on one disk; README "Local servers" says so.
 */
export const DURABLE_MIN_INSYNC_REPLICAS = 2;

export function durabilityConfigEntries(replicationFactor: number): { name: string; value: string }[] {
  if (replicationFactor < 2) return [];
  return [{ name: 'min.insync.replicas', value: String(Math.min(DURABLE_MIN_INSYNC_REPLICAS, replicationFactor)) }];
}
