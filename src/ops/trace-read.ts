import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { BlobStore } from '../blob/store.js';
import type { Config } from '../config/schema.js';
import type { DeadLetter, ParkedRecord } from '../kafka/records.js';
import { readTopicToEnd } from '../kafka/read-topic.js';
import type { Serde } from '../kafka/serde.js';
import { groupName, topicName } from '../kafka/topics.js';
import { fetchPipelineLag } from './offsets.js';
import { STAGES, type StageName } from '../pipeline/stages.js';
import { retryConsumers } from '../processors/import/retry.js';
import { buildTrace, matches, summarize, TRACED_TOPICS, WRAPPING_TOPICS, type BlobCheck, type Committed, type Summary, type TraceReport, type TracedTopic } from './trace.js';

export interface TraceDeps { kafka: Kafka; serde: Serde; blob: BlobStore; config: Pick<Config, 'topicPrefix'> }

/**
 * The I/O shell of `trace`: reads every traced topic from its earliest retained record to the end
 * offsets of the moment (so a query is bounded by retention and ends even while records keep
 * arriving), keeps the id summaries that match, reads each processor group's committed offsets,
 * and checks each staged .eml in blob storage (size and SHA-256 recomputed). Never Webex.
 * Asked for an item id, it reads again for the message that item is a version of, so every
 * version shows. Cost: one full read of each topic per query (docs/operations.md, "Trace").
 */
export async function readTrace(deps: TraceDeps, query: string): Promise<TraceReport> {
  const first = await scan(deps, query);
  const messageId = first.summaries.find((s) => s.itemId === query)?.webexMessageId;
  const { summaries, scanned } = messageId && messageId !== query ? await scan(deps, messageId, query) : first;
  const committed = await readCommitted(deps);
  const blobs = new Map<string, BlobCheck>();
  for (const s of summaries) {
    if (s.topic !== 'staged' || blobs.has(`${s.container}/${s.blobName}`)) continue;
    blobs.set(`${s.container}/${s.blobName}`, await checkBlob(deps.blob, s));
  }
  return buildTrace(query, summaries, committed, scanned, blobs);
}

async function scan(deps: TraceDeps, ...ids: string[]): Promise<{ summaries: Summary[]; scanned: TraceReport['scanned'] }> {
  const results = await Promise.all(TRACED_TOPICS.map(async (topic) => {
    const kept: Summary[] = [];
    const pending: Promise<void>[] = [];
    const records = await readTopicToEnd<unknown>(deps.kafka, deps.serde, topicName(deps.config, topic), (value, _key, partition, offset, timestamp) => {
      if (!value) return;
      const at = { topic, partition, offset, timestamp };
      if (WRAPPING_TOPICS.has(topic)) {
        const d = value as DeadLetter | ParkedRecord;
        pending.push(deps.serde.decode<unknown>(d.value ?? Buffer.alloc(0)).catch(() => null).then((original) => {
          const s = summarize(at, d, original);
          if (s && ids.some((id) => matches(s, id))) kept.push(s);
        }));
        return;
      }
      const s = summarize(at, value);
      if (s && ids.some((id) => matches(s, id))) kept.push(s);
    });
    await Promise.all(pending);
    return { topic, records, kept };
  }));
  return {
    summaries: results.flatMap((r) => r.kept),
    scanned: results.map((r) => ({ topic: topicName(deps.config, r.topic), records: r.records })),
  };
}

async function readCommitted(deps: TraceDeps): Promise<Committed> {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const committed: Committed = {};
    for (const g of await fetchPipelineLag(admin, deps.config)) {
      const topic = STAGES[g.processor as StageName].input as TracedTopic;
      const offsets = new Map<number, bigint>();
      for (const p of g.partitions) if (p.committed !== null) offsets.set(p.partition, BigInt(p.committed));
      committed[topic] = { processor: g.processor, offsets };
    }
    // Each retry topic's consumer (import-retry-N) commits past a parked copy once it sent it back.
    for (const { topic, name: processor } of retryConsumers(STAGES.import.retryTopics)) {
      const [fetched] = await admin.fetchOffsets({ groupId: groupName(deps.config, processor), topics: [topicName(deps.config, topic)] });
      committed[topic] = { processor, offsets: new Map((fetched?.partitions ?? []).filter((p) => BigInt(p.offset) >= 0n).map((p) => [p.partition, BigInt(p.offset)])) };
    }
    return committed;
  } finally {
    await admin.disconnect();
  }
}

async function checkBlob(blob: BlobStore, s: Extract<Summary, { topic: 'staged' }>): Promise<BlobCheck> {
  if (!(await blob.exists(s.container, s.blobName))) return { present: false, size: null, sha256: null, matches: false };
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await blob.openRead(s.container, s.blobName)) { hash.update(chunk as Buffer); size += (chunk as Buffer).length; }
  const sha256 = hash.digest('hex');
  return { present: true, size, sha256, matches: size === s.size && sha256 === s.sha256 };
}
