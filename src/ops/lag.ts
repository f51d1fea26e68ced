/**
 * Consumer lag, computed the way kafka_exporter and Burrow do: per partition, the end offset
 * (high watermark) minus the group's committed offset, or minus the earliest offset when the
 * group has committed nothing yet (kafkajs reports '-1'), because with fromBeginning the group
 * will read everything still retained. Pure: offsets in, numbers out.
 */
export interface PartitionLag {
  partition: number;
  /** Next offset the group will read; null when it has committed nothing. */
  committed: string | null;
  low: string;
  high: string;
  lag: number;
  /** When this partition's offset was last committed, if known (see commitTimeFromMetadata). */
  lastCommitAt: string | null;
  /** Set while a record here is retried in place past WXA_MAX_ATTEMPTS (see parseCommitMetadata). */
  stalledSince?: string | null;
  stallCode?: string | null;
}

export interface GroupLag {
  processor: string;
  groupId: string;
  topic: string;
  /** Kafka's group state (Stable, Empty, PreparingRebalance, Dead, …); 'Unknown' if not described. */
  state: string;
  members: number;
  partitions: PartitionLag[];
  lagSum: number;
  /** Latest commit over the partitions; see lastCommitSource for how we know. */
  lastCommitAt: string | null;
  lastCommitSource: 'commit-metadata' | 'observed' | null;
  /** Set when the topic or group could not be read; the other fields are then empty. */
  error?: string;
  /** The oldest stall over the partitions, if any: the group is retrying a record in place. */
  stalledSince?: string | null;
}

export function partitionLag(p: { partition: number; committed: string | null | undefined; low: string; high: string; metadata?: string | null }): PartitionLag {
  const committed = p.committed !== undefined && p.committed !== null && BigInt(p.committed) >= 0n ? p.committed : null;
  const high = BigInt(p.high);
  const from = committed !== null ? BigInt(committed) : BigInt(p.low);
  // A committed offset can sit below `low` after retention deleted records; those are gone,
  // so they are not lag any more. Past `high` cannot happen unless the topic was recreated.
  const base = from < BigInt(p.low) ? BigInt(p.low) : from;
  const lag = high > base ? Number(high - base) : 0;
  const meta = parseCommitMetadata(p.metadata ?? null);
  return { partition: p.partition, committed, low: p.low, high: p.high, lag, lastCommitAt: meta.committedAt, stalledSince: meta.stalledSince, stallCode: meta.stallCode };
}

/**
 * The runner's commit metadata: the commit time alone (ISO 8601, UTC), or, while a record is
 * retried in place past WXA_MAX_ATTEMPTS, `committedAt=ISO;stalledSince=ISO;code=CODE` (the
 * runner commits the partition's offset again where it stands to say so; committedAt is absent
 * when that process had not committed the partition itself). Anything else: nothing known.
 */
export function parseCommitMetadata(metadata: string | null): { committedAt: string | null; stalledSince: string | null; stallCode: string | null } {
  const none = { committedAt: null, stalledSince: null, stallCode: null };
  if (!metadata) return none;
  if (!metadata.includes(';') && !metadata.includes('stalledSince=')) return { ...none, committedAt: commitTimeFromMetadata(metadata) };
  const fields = new Map(metadata.split(';').map((f) => { const i = f.indexOf('='); return [f.slice(0, i).trim(), f.slice(i + 1).trim()] as const; }));
  const code = fields.get('code');
  return {
    committedAt: commitTimeFromMetadata(fields.get('committedAt') ?? null),
    stalledSince: commitTimeFromMetadata(fields.get('stalledSince') ?? null),
    stallCode: code && /^[A-Z_]+$/.test(code) ? code : null,
  };
}

/**
 * The runner writes the commit time (ISO 8601, UTC) into each offset commit's metadata string,
 * which Kafka stores beside the offset and returns from OffsetFetch. Anything else (commits from
 * admin.setOffsets, older runners) means "not known from the commit itself".
 */
export function commitTimeFromMetadata(metadata: string | null): string | null {
  if (!metadata) return null;
  const m = /^(?:committedAt=)?(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(metadata.trim());
  if (!m) return null;
  return Number.isNaN(Date.parse(m[1]!)) ? null : new Date(m[1]!).toISOString();
}

export function latest(times: readonly (string | null)[]): string | null {
  let best: string | null = null;
  for (const t of times) if (t && (!best || t > best)) best = t;
  return best;
}

export function sumLag(partitions: readonly PartitionLag[]): number {
  return partitions.reduce((s, p) => s + p.lag, 0);
}
