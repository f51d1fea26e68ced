import type { GroupLag } from './lag.js';

/**
 * Remembers each group's committed offsets between polls, for two things a single OffsetFetch
 * cannot tell: when the offsets last moved (for commits that carry no time in their metadata),
 * and how fast a stage is going (records committed per second over the last interval).
 *
 * Honesty: "observed" times are the poll at which we first saw the new offsets, so they are late
 * by up to one poll interval, and nothing is known before the first two polls of this process.
 */
export interface StageRate { groupId: string; recordsPerSecond: number | null; intervalSeconds: number | null }

export interface CommitTracker {
  /** Fills lastCommitAt for groups whose commits carry no time; returns rates since the previous call. */
  observe(groups: GroupLag[], now: Date): Map<string, StageRate>;
}

export function createCommitTracker(): CommitTracker {
  const previous = new Map<string, { at: number; committed: Map<number, bigint> }>();
  const lastMoved = new Map<string, string>();
  return {
    observe(groups, now) {
      const rates = new Map<string, StageRate>();
      for (const g of groups) {
        const committed = new Map(g.partitions.map((p) => [p.partition, p.committed === null ? -1n : BigInt(p.committed)]));
        const prev = previous.get(g.groupId);
        let advanced = 0n;
        let moved = false;
        if (prev) {
          for (const [partition, offset] of committed) {
            const before = prev.committed.get(partition) ?? -1n;
            if (offset !== before) moved = true;
            // Count only progress; a replay moves offsets back and is not throughput.
            if (offset > before && before >= 0n) advanced += offset - before;
          }
          if (moved) lastMoved.set(g.groupId, now.toISOString());
        }
        previous.set(g.groupId, { at: now.getTime(), committed });
        const intervalSeconds = prev ? (now.getTime() - prev.at) / 1000 : null;
        rates.set(g.groupId, {
          groupId: g.groupId,
          intervalSeconds,
          recordsPerSecond: intervalSeconds && intervalSeconds > 0 ? Number(advanced) / intervalSeconds : null,
        });
        if (!g.lastCommitAt && lastMoved.has(g.groupId)) {
          g.lastCommitAt = lastMoved.get(g.groupId)!;
          g.lastCommitSource = 'observed';
        }
      }
      return rates;
    },
  };
}
