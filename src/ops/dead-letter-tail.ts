import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { DeadLetter } from '../kafka/records.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { toDeadLetterRow, type DeadLetterRow } from './dead-letter-rows.js';

export interface DeadLetterView {
  /** Dead letters in the topic's retention (30 days), all of them, not only today's. */
  total: number;
  latest: DeadLetterRow[];
}

export interface DeadLetterTail {
  view(): DeadLetterView;
  stop(): Promise<void>;
}

/**
 * Follows webex.dead-letter.v1 from its first record for the dashboard: how many records the
 * processors gave up on and the latest of them (origin, error, ids and the redrive command).
 * Dead letters are rare, so reading the topic whole is cheap. Throwaway group, never commits.
 */
export async function startDeadLetterTail(deps: { kafka: Kafka; serde: Serde; config: Pick<Config, 'topicPrefix'> }, opts: { keep?: number } = {}): Promise<DeadLetterTail> {
  const keep = opts.keep ?? 50;
  let total = 0;
  let latest: DeadLetterRow[] = [];
  const consumer: Consumer = deps.kafka.consumer({ groupId: `webex-archiver.ops-dead-letters.${randomUUID()}`, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(deps.config, 'deadLetter'), fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      let d: DeadLetter;
      try { d = await deps.serde.decode<DeadLetter>(message.value); } catch { return; }
      // The original record only for its ids; an undecodable one (the usual reason for a dead
      // letter) still lists, without ids.
      const original = d.value ? await deps.serde.decode<unknown>(d.value).catch(() => null) : null;
      total++;
      latest.unshift(toDeadLetterRow(d, original));
      if (latest.length > keep * 2) latest = latest.sort((a, b) => b.at.localeCompare(a.at)).slice(0, keep);
    },
  });
  return {
    view: () => ({ total, latest: [...latest].sort((a, b) => b.at.localeCompare(a.at)).slice(0, keep) }),
    async stop() { await consumer.disconnect(); },
  };
}
