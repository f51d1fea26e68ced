import type { Admin } from 'kafkajs';
import type { Config } from '../config/schema.js';
import { fetchTopicOffsets } from '../kafka/admin-offsets.js';
import { groupName, topicName } from '../kafka/topics.js';
import { STAGES } from '../pipeline/stages.js';
import { retryConsumers } from '../processors/import/retry.js';
import { partitionLag, sumLag } from './lag.js';
import type { IssueRow, OutcomeCounts } from './outcome-rows.js';

/**
 * What is out of the hot path and how to bring it back, for `status`, `status --json` and the
 * dashboard's /ops/api/status: today's failed (dead-lettered) and parked outcomes, how many
 * parked import tasks wait on each retry topic right now (its retry consumer's lag), the latest
 * of each with ids, code, reason and the command that redrives it, and the commands that list
 * all of them. Ids, mailboxes and reasons only, never message text.
 */
export interface RecoveryView {
  failedToday: number;
  parkedToday: number;
  /** Parked import tasks not yet sent back, per retry topic; null when Kafka could not be asked. */
  waiting: { topic: string; records: number }[] | null;
  latestFailed: IssueRow[];
  latestParked: IssueRow[];
  commands: { listDeadLetters: string; listParked: string };
}

export function toRecoveryView(today: { counts: OutcomeCounts } | null, issues: readonly IssueRow[], waiting: RecoveryView['waiting'], keep = 20): RecoveryView {
  return {
    failedToday: today?.counts.failed ?? 0,
    parkedToday: today?.counts.parked ?? 0,
    waiting,
    latestFailed: issues.filter((i) => i.kind === 'failed').slice(0, keep),
    latestParked: issues.filter((i) => i.kind === 'parked').slice(0, keep),
    commands: { listDeadLetters: 'webex-archiver redrive --dry-run', listParked: 'webex-archiver redrive --parked --dry-run' },
  };
}


/** Records on each retry topic that its consumer has not yet committed past: the tasks still parked. */
export async function fetchParkedWaiting(admin: Admin, config: Pick<Config, 'topicPrefix'>): Promise<{ topic: string; records: number }[]> {
  const existing = new Set(await admin.listTopics());
  const out: { topic: string; records: number }[] = [];
  for (const r of retryConsumers(STAGES.import.retryTopics)) {
    const topic = topicName(config, r.topic);
    if (!existing.has(topic)) { out.push({ topic, records: 0 }); continue; }
    const [ends, fetched] = await Promise.all([fetchTopicOffsets(admin, topic), admin.fetchOffsets({ groupId: groupName(config, r.name), topics: [topic] })]);
    const committed = new Map((fetched[0]?.partitions ?? []).map((p) => [p.partition, p.offset]));
    out.push({ topic, records: sumLag(ends.map((e) => partitionLag({ partition: e.partition, low: e.low, high: e.high, committed: committed.get(e.partition) }))) });
  }
  return out;
}
