import type { CrawlerStatus } from './crawler-status.js';
import type { DeadLetterView } from './dead-letter-tail.js';
import type { LagSnapshot } from './lag-source.js';
import type { OutcomeTailView } from './outcome-tail.js';
import { toRecoveryView, type RecoveryView } from './recovery.js';

/**
 * The JSON the dashboard polls (/ops/api/status): per stage its lag, members and rate, the
 * crawler's progress, today's outcome counts and the latest failures. Pure assembly; ids,
 * mailboxes and reasons only, never message text or attachment content.
 */
export interface DashboardStatus {
  generatedAt: string;
  lagAt: string;
  stages: {
    processor: string;
    groupId: string;
    topic: string;
    state: string;
    members: number;
    lag: number;
    partitions: { partition: number; committed: string | null; high: string; lag: number }[];
    recordsPerSecond: number | null;
    lastCommitAt: string | null;
    lastCommitSource: string | null;
    error: string | null;
    /** Set while the group retries a record in place past WXA_MAX_ATTEMPTS (a stalled partition). */
    stalledSince: string | null;
    /** Error codes this stage waits on in this process (a refused credential: docs/failure-answers.md); empty when none. */
    paused: string[];
  }[];
  crawler: CrawlerStatus | null;
  today: OutcomeTailView['today'] | null;
  importsPerMinute: number[];
  /** Each issue with the command that sends it again once the cause is fixed (failed and parked items). */
  recentIssues: OutcomeTailView['recentIssues'];
  deadLetters: DeadLetterView | null;
  /** Dead letters and parked tasks: today's counts, how many wait now, the latest of each with the command that redrives it. */
  recovery: RecoveryView;
}

/** What the status shows besides lag, outcomes and the crawler, each from its own source. */
export interface StatusExtras {
  deadLetters?: DeadLetterView | null;
  /** Parked tasks waiting on each retry topic now. */
  waiting?: RecoveryView['waiting'];
  /** The error codes a processor of this process is paused on. */
  pausedCodes?: (processor: string) => string[];
}

export function toDashboardStatus(snap: LagSnapshot, tail: OutcomeTailView | null, crawler: CrawlerStatus | null, now: Date, extras: StatusExtras = {}): DashboardStatus {
  const { deadLetters = null, waiting = null, pausedCodes = () => [] } = extras;
  return {
    generatedAt: now.toISOString(),
    lagAt: snap.at,
    stages: snap.groups.map((g) => ({
      processor: g.processor,
      groupId: g.groupId,
      topic: g.topic,
      state: g.state,
      members: g.members,
      lag: g.lagSum,
      partitions: g.partitions.map((p) => ({ partition: p.partition, committed: p.committed, high: p.high, lag: p.lag })),
      recordsPerSecond: snap.rates.get(g.groupId)?.recordsPerSecond ?? null,
      lastCommitAt: g.lastCommitAt,
      lastCommitSource: g.lastCommitSource,
      error: g.error ?? null,
      stalledSince: g.stalledSince ?? null,
      paused: pausedCodes(g.processor),
    })),
    crawler,
    today: tail?.today ?? null,
    importsPerMinute: tail?.importsPerMinute ?? [],
    recentIssues: tail?.recentIssues.slice(0, 50) ?? [],
    deadLetters,
    recovery: toRecoveryView(tail?.today ?? null, tail?.recentIssues ?? [], waiting),
  };
}
