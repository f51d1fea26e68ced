import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { CrawlerCheckpoint, Outcome } from '../kafka/records.js';
import { readTopicToEnd } from '../kafka/read-topic.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { summarizeCheckpoints, type CrawlerStatus } from './crawler-status.js';
import type { GroupLag } from './lag.js';
import { fetchPipelineLag } from './offsets.js';
import { countImportedByKind, countOutcomes, ISSUE_KINDS, toIssueRow, utcDayStart, type IssueRow, type KindCounts, type OutcomeCounts } from './outcome-rows.js';
import { readTopic } from '../kafka/read-topic.js';
import { fetchParkedWaiting, toRecoveryView, type RecoveryView } from './recovery.js';

/** Everything `status` shows: the same shape is served as JSON by `status --json` and /ops/api/status. */
export interface StatusReport {
  generatedAt: string;
  groups: GroupLag[];
  crawler: CrawlerStatus;
  /** `importedByKind`: copies imported today per item kind (message versions, conversation changes, transcripts). */
  today: { date: string; counts: OutcomeCounts; importedByKind: KindCounts };
  /** The latest failed, parked, rejected and unmapped items of today, newest first. */
  recentIssues: IssueRow[];
  /** Dead letters and parked tasks: counts, the latest of each and how to redrive them. */
  recovery: RecoveryView;
}

export interface StatusDeps { kafka: Kafka; serde: Serde; config: Pick<Config, 'topicPrefix'> }

export async function readCrawlerStatus(deps: StatusDeps): Promise<CrawlerStatus> {
  const checkpoints = new Map<string, CrawlerCheckpoint>();
  const topic = topicName(deps.config, 'checkpoints');
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return summarizeCheckpoints([]);
  } finally {
    await admin.disconnect();
  }
  await readTopicToEnd<CrawlerCheckpoint>(deps.kafka, deps.serde, topic, (v, key) => {
    if (v) checkpoints.set(v.name, v); else if (key) checkpoints.delete(key);
  });
  return summarizeCheckpoints(checkpoints.values());
}

export async function readTodayOutcomes(deps: StatusDeps, now: Date, keepIssues = 50): Promise<Pick<StatusReport, 'today' | 'recentIssues'>> {
  const dayStart = utcDayStart(now);
  const outcomes: Outcome[] = [];
  await readTopic<Outcome>(deps.kafka, deps.serde, topicName(deps.config, 'outcomes'), (v) => { if (v) outcomes.push(v); }, { sinceMs: dayStart, timeoutMs: 120_000 });
  const issues = outcomes.filter((o) => ISSUE_KINDS.has(o.kind) && Date.parse(o.at) >= dayStart).sort((a, b) => b.at.localeCompare(a.at));
  return {
    today: { date: new Date(dayStart).toISOString().slice(0, 10), counts: countOutcomes(outcomes, dayStart, dayStart + 24 * 3600 * 1000), importedByKind: countImportedByKind(outcomes, dayStart, dayStart + 24 * 3600 * 1000) },
    recentIssues: issues.slice(0, keepIssues).map(toIssueRow),
  };
}

/** One-shot report for the CLI: offsets and lag, crawler checkpoints, today's outcomes. */
export async function collectStatus(deps: StatusDeps, now = new Date()): Promise<StatusReport> {
  const admin = deps.kafka.admin();
  await admin.connect();
  let groups: GroupLag[];
  let waiting: RecoveryView['waiting'];
  try {
    groups = await fetchPipelineLag(admin, deps.config);
    waiting = await fetchParkedWaiting(admin, deps.config).catch(() => null);
  } finally {
    await admin.disconnect();
  }
  const [crawler, outcomes] = await Promise.all([readCrawlerStatus(deps), readTodayOutcomes(deps, now)]);
  return { generatedAt: now.toISOString(), groups, crawler, ...outcomes, recovery: toRecoveryView(outcomes.today, outcomes.recentIssues, waiting) };
}
