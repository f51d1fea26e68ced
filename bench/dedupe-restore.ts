/**
 * Restore time and memory of dedupe's seen set at a million entries (issue: the set is re-read
 * whole on every rebalance). Writes 1,000,000 changelog entries, first seen over the last 96 days
 * (all within the default 97-day retention), to a throwaway topic prefix on the local Kafka,
 * then times dedupe's onAssigned (the read of webex.dedupe.state.v1 into memory) and measures the
 * heap it retains; the topics are deleted afterwards. Run alone, not in the test suite:
 *
 *   node --expose-gc --import tsx bench/dedupe-restore.ts [entries]
 *
 * Figures on a shared machine are indicative only (docs/architecture.md records one run).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../src/config/load.js';
import type { DedupeEntry } from '../src/kafka/records.js';
import { TOPICS, topicName, type TopicKey } from '../src/kafka/topics.js';
import { dedupeProcessor } from '../src/processors/dedupe/index.js';
import { createRuntime } from '../src/runtime.js';

const ENTRIES = Number(process.argv[2] ?? 1_000_000);
const PER_PUBLISH = 20_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => { throw new Error('run with node --expose-gc'); });
const heapMb = () => { gc(); gc(); return process.memoryUsage().heapUsed / 1048576; };

const config = loadConfig({}, { WXA_TOPIC_PREFIX: `bench-dedupe-${randomBytes(4).toString('hex')}.`, WXA_TOPIC_PARTITIONS: '1', WXA_LOG_LEVEL: 'warn' });
const rt = await createRuntime(config);
try {
  const now = Date.now();
  const writeStart = performance.now();
  for (let i = 0; i < ENTRIES; i += PER_PUBLISH) {
    const batch = Array.from({ length: Math.min(PER_PUBLISH, ENTRIES - i) }, (_, j) => {
      const at = now - Math.floor(((ENTRIES - i - j) / ENTRIES) * 96 * 86_400_000);
      const itemId = `Y2lzY29zcGFyazovL3VzL01FU1NBR0Uv${Buffer.from(randomUUID()).toString('base64url')}:created:${at}`;
      const value: DedupeEntry = { itemId, firstSeenAt: new Date(at).toISOString(), sourceTopic: 'webex.converted.v1', sourcePartition: 0, sourceOffset: String(i + j) };
      return { topic: 'dedupeState' as const, key: itemId, value };
    });
    await rt.publisher.publish(batch);
  }
  const writeMs = performance.now() - writeStart;
  const spec = dedupeProcessor(rt);
  const before = heapMb();
  const restoreStart = performance.now();
  await spec.onAssigned!();
  const restoreMs = performance.now() - restoreStart;
  const after = heapMb();
  const rss = process.memoryUsage().rss / 1048576;
  console.log(JSON.stringify({
    entries: ENTRIES,
    writeSeconds: +(writeMs / 1000).toFixed(1),
    restoreSeconds: +(restoreMs / 1000).toFixed(1),
    restoredEntriesPerSecond: Math.round(ENTRIES / (restoreMs / 1000)),
    retainedHeapMb: +(after - before).toFixed(1),
    bytesPerEntry: Math.round(((after - before) * 1048576) / ENTRIES),
    rssMb: Math.round(rss),
  }));
  // Keep the set alive until it was measured.
  if (!spec.transform) throw new Error('unreachable');
} finally {
  const admin = rt.kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: (Object.keys(TOPICS) as TopicKey[]).map((k) => topicName(config, k)) }).catch(() => undefined);
  await admin.disconnect();
  await rt.close();
}
