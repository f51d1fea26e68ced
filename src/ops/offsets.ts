import type { Admin } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { groupName, topicName } from '../kafka/topics.js';
import { latest, partitionLag, sumLag, type GroupLag } from './lag.js';
import { STAGES, STAGE_NAMES, type StageName } from '../pipeline/stages.js';
import { fetchTopicOffsets } from '../kafka/admin-offsets.js';

/**
 * Reads every processor group's committed offsets and its input topic's earliest and end
 * offsets through kafkajs admin: one describeGroups for all groups, one fetchTopicOffsets per
 * topic, one fetchOffsets per group. A group or topic that cannot be read is reported with an
 * error instead of failing the whole answer, so one bad stage never hides the others.
 */
export async function fetchPipelineLag(admin: Admin, config: Pick<Config, 'topicPrefix'>, processors: readonly StageName[] = STAGE_NAMES): Promise<GroupLag[]> {
  const groupIds = processors.map((p) => groupName(config, p));
  const described = new Map<string, { state: string; members: number }>();
  try {
    const { groups } = await admin.describeGroups(groupIds);
    for (const g of groups) described.set(g.groupId, { state: g.state, members: g.members.length });
  } catch {
    // Left 'Unknown' below; offsets are still worth showing.
  }
  const existing = new Set(await admin.listTopics());
  return Promise.all(processors.map(async (processor): Promise<GroupLag> => {
    const groupId = groupName(config, processor);
    const topic = topicName(config, STAGES[processor].input);
    const d = described.get(groupId) ?? { state: 'Unknown', members: 0 };
    const base = { processor, groupId, topic, state: d.state, members: d.members, partitions: [], lagSum: 0, lastCommitAt: null, lastCommitSource: null } satisfies GroupLag;
    if (!existing.has(topic)) return { ...base, error: 'topic does not exist' };
    try {
      const [ends, fetched] = await Promise.all([fetchTopicOffsets(admin, topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      const committed = new Map((fetched[0]?.partitions ?? []).map((p) => [p.partition, p]));
      const partitions = ends
        .map((e) => partitionLag({ partition: e.partition, low: e.low, high: e.high, committed: committed.get(e.partition)?.offset, metadata: committed.get(e.partition)?.metadata }))
        .sort((a, b) => a.partition - b.partition);
      const lastCommitAt = latest(partitions.map((p) => p.lastCommitAt));
      const stalledSince = partitions.map((p) => p.stalledSince ?? null).filter((t): t is string => t !== null).sort()[0] ?? null;
      return { ...base, partitions, lagSum: sumLag(partitions), lastCommitAt, lastCommitSource: lastCommitAt ? 'commit-metadata' : null, stalledSince };
    } catch (err) {
      return { ...base, error: (err as Error).message };
    }
  }));
}
