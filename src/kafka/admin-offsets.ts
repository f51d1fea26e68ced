import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { backoffMs } from './backoff.js';

/**
 * Topic offsets that survive a partition's leadership settling. kafkajs' admin retries
 * fetchTopicOffsets only for UNKNOWN_TOPIC_OR_PARTITION and bails on everything else, so a read
 * just after createTopics can fail with NOT_LEADER_FOR_PARTITION although the broker will be the
 * leader a few hundred milliseconds later. We retry what kafkajs itself flags as retriable.
 */
export async function withRetriableKafka<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= attempts) throw err;
      await sleep(backoffMs(attempt, { baseMs: 100, maxMs: 2_000 }));
    }
  }
}

export function fetchTopicOffsets(admin: Admin, topic: string): ReturnType<Admin['fetchTopicOffsets']> {
  return withRetriableKafka(() => admin.fetchTopicOffsets(topic));
}

export function fetchTopicOffsetsByTimestamp(admin: Admin, topic: string, timestamp?: number): ReturnType<Admin['fetchTopicOffsetsByTimestamp']> {
  return withRetriableKafka(() => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
}
