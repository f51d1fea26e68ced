import type { Kafka } from 'kafkajs';
import type { Config } from '../src/config/schema.js';
import { STAGES } from '../src/pipeline/stages.js';
import { groupName, topicName } from '../src/kafka/topics.js';
import { fetchTopicOffsets } from '../src/kafka/admin-offsets.js';

/**
 * Polls each processor group's committed offsets and its input's end offsets: per-stage
 * throughput (records committed between first and last movement) and the highest lag seen.
 */
export interface StageSample { stage: string; records: number; startMs: number; firstMs: number | null; lastMs: number | null; maxLag: number; points: { ms: number; count: number }[] }

export function startStageSampler(kafka: Kafka, config: Pick<Config, 'topicPrefix'>, stages: readonly string[], everyMs = 500) {
  const start = Date.now();
  const samples = new Map<string, StageSample>(stages.map((s) => [s, { stage: s, records: 0, startMs: start, firstMs: null, lastMs: null, maxLag: 0, points: [{ ms: start, count: 0 }] }]));
  const baseline = new Map<string, number>();
  const admin = kafka.admin();
  let stopped = false;
  const total = (xs: { offset: string }[]) => xs.reduce((s, x) => s + Math.max(0, Number(x.offset)), 0);
  const connected = admin.connect();
  const loop = (async () => {
    await connected;
    while (!stopped) {
      const now = Date.now();
      for (const stage of stages) {
        const topic = topicName(config, STAGES[stage as keyof typeof STAGES].input);
        const [ends, committed] = await Promise.all([
          fetchTopicOffsets(admin, topic),
          admin.fetchOffsets({ groupId: groupName(config, stage), topics: [topic] }),
        ]);
        const c = total(committed[0]!.partitions);
        const s = samples.get(stage)!;
        // Fresh groups for each run (own topic prefix): everything committed was done in this run.
        if (!baseline.has(stage)) baseline.set(stage, 0);
        const done = c - baseline.get(stage)!;
        if (done > s.records) {
          if (s.firstMs === null) s.firstMs = now;
          s.lastMs = now;
          s.records = done;
        }
        s.points.push({ ms: now, count: Math.max(s.records, done) });
        s.maxLag = Math.max(s.maxLag, total(ends.map((e) => ({ offset: e.high }))) - c);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await admin.disconnect();
  })();
  return {
    samples,
    async stop() { stopped = true; await loop; },
    /** True once every stage's committed offsets reach its input's end (on the sampler's own admin client). */
    async drained(): Promise<boolean> {
      await connected;
      for (const stage of stages) {
        const topic = topicName(config, STAGES[stage as keyof typeof STAGES].input);
        const ends = await fetchTopicOffsets(admin, topic);
        const [c] = await admin.fetchOffsets({ groupId: groupName(config, stage), topics: [topic] });
        if (total(c!.partitions) < total(ends.map((e) => ({ offset: e.high })))) return false;
      }
      return true;
    },
  };
}
