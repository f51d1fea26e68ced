import type { CrawlerCheckpoint } from '../kafka/records.js';
import { latest } from './lag.js';

/**
 * The crawler's progress as read from its compacted checkpoint topic: where the events crawl
 * stands (its cursor is the time before which everything is safely in Kafka; docs/architecture.md, "The crawl"), how many backfill rooms are
 * done, and when the latest run started and last wrote a checkpoint. Pure.
 */
export interface CrawlerStatus {
  lastRunStartedAt: string | null;
  lastCheckpointAt: string | null;
  events: { cursor: string; complete: boolean; published: number; updatedAt: string } | null;
  backfill: { roomsDone: number; roomsInLastRun: number; published: number };
}

export function summarizeCheckpoints(checkpoints: Iterable<CrawlerCheckpoint>): CrawlerStatus {
  const all = [...checkpoints];
  const lastRunStartedAt = latest(all.map((c) => c.runStartedAt));
  const events = all.find((c) => c.name === 'events') ?? null;
  const backfill = all.filter((c) => c.name.startsWith('backfill:'));
  const lastRun = backfill.filter((c) => c.runStartedAt === lastRunStartedAt);
  return {
    lastRunStartedAt,
    lastCheckpointAt: latest(all.map((c) => c.updatedAt)),
    events: events ? { cursor: events.cursor, complete: events.complete, published: events.published, updatedAt: events.updatedAt } : null,
    backfill: {
      roomsDone: backfill.filter((c) => c.complete).length,
      roomsInLastRun: lastRun.length,
      published: lastRun.reduce((s, c) => s + c.published, 0),
    },
  };
}
