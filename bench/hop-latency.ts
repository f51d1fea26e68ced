import type { Kafka } from 'kafkajs';
import type { Config } from '../src/config/schema.js';
import type { EmailPlan, Outcome, RawMessage, StagedItem, WebhookDelivery } from '../src/kafka/records.js';
import { readTopicToEnd } from '../src/kafka/read-topic.js';
import type { Serde } from '../src/kafka/serde.js';
import { topicName, type TopicKey } from '../src/kafka/topics.js';
import { percentile } from './stats.js';

/**
 * Where capture latency goes, hop by hop, for the live messages: the first time each message
 * reached each topic (the record's produce time, taken when the step before it published it),
 * from Webex `created` to the first mailbox's import outcome. Each hop is the time from the
 * previous topic to this one, i.e. the work and the waiting of the processor that wrote it.
 */
export interface Hop { hop: string; p50: number; p95: number; p99: number }

const HOPS: { topic: TopicKey; hop: string; id: (v: never) => string | null }[] = [
  { topic: 'webhooks', hop: 'Webex → receiver (webhook delivery, produce)', id: (v: WebhookDelivery) => v.dataId },
  { topic: 'raw', hop: 'hydrate (REST message, room, files)', id: (v: RawMessage) => v.message.id },
  { topic: 'converted', hop: 'convert', id: (v: EmailPlan) => v.webexMessageId },
  { topic: 'unique', hop: 'dedupe', id: (v: EmailPlan) => v.webexMessageId },
  { topic: 'limited', hop: 'limit', id: (v: EmailPlan) => v.webexMessageId },
  { topic: 'staged', hop: 'stage (render, upload to blob)', id: (v: StagedItem) => v.webexMessageId },
  { topic: 'imports', hop: 'route', id: (v: StagedItem) => v.webexMessageId },
];

export async function hopLatencies(kafka: Kafka, serde: Serde, config: Pick<Config, 'topicPrefix'>, created: Map<string, string>): Promise<Hop[]> {
  const at = new Map<string, number[]>([...created].map(([id, c]) => [id, [Date.parse(c)]]));
  for (const [i, h] of HOPS.entries()) {
    await readTopicToEnd<never>(kafka, serde, topicName(config, h.topic), (v, _k, _p, _o, ts) => {
      const id = v ? h.id(v) : null;
      const row = id ? at.get(id) : undefined;
      if (row && row[i + 1] === undefined) row[i + 1] = Number(ts);
    });
  }
  await readTopicToEnd<Outcome>(kafka, serde, topicName(config, 'outcomes'), (v) => {
    const row = v && (v.kind === 'imported' || v.kind === 'partial') ? at.get(v.webexMessageId) : undefined;
    if (row) row[HOPS.length + 1] = Math.min(row[HOPS.length + 1] ?? Infinity, Date.parse(v!.at));
  });
  const names = [...HOPS.map((h) => h.hop), 'import (first mailbox)'];
  const complete = [...at.values()].filter((r) => r.length === names.length + 1 && r.every((x) => Number.isFinite(x)));
  return names.map((hop, i) => {
    const d = complete.map((r) => r[i + 1]! - r[i]!).sort((a, b) => a - b);
    return { hop, p50: percentile(d, 50), p95: percentile(d, 95), p99: percentile(d, 99) };
  });
}
