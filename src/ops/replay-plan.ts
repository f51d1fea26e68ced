import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { ArchiverError } from '../errors.js';
import { isStageName, STAGE_NAMES, type StageName } from '../pipeline/stages.js';

export type ReplayTarget = { kind: 'earliest' } | { kind: 'time'; at: Date };

export interface ReplayRequest {
  processor: StageName;
  target: ReplayTarget;
  /** Only the partition(s) holding this mailbox's key; import only, because imports are keyed by mailbox. */
  mailbox?: string;
}

/** Checks a replay request from the CLI or HTTP; every mistake is a BAD_INPUT that says what to do. */
export function toReplayRequest(input: { processor?: unknown; toEarliest?: unknown; toTime?: unknown; mailbox?: unknown }): ReplayRequest {
  const processor = input.processor;
  if (typeof processor !== 'string' || !isStageName(processor)) {
    throw new ArchiverError('BAD_INPUT', `processor must be one of ${STAGE_NAMES.join(', ')}`);
  }
  const earliest = input.toEarliest === true;
  const time = typeof input.toTime === 'string' && input.toTime !== '' ? input.toTime : undefined;
  if (earliest === (time !== undefined)) throw new ArchiverError('BAD_INPUT', 'give exactly one of --to-earliest or --to-time ISO');
  let target: ReplayTarget = { kind: 'earliest' };
  if (time !== undefined) {
    // An ISO 8601 time with a zone, so that an operator never replays from the wrong hour.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(time) || Number.isNaN(Date.parse(time))) {
      throw new ArchiverError('BAD_INPUT', `--to-time wants an ISO 8601 time with a zone, e.g. 2026-01-05T09:00:00Z (got "${time}")`);
    }
    target = { kind: 'time', at: new Date(time) };
  }
  const mailbox = typeof input.mailbox === 'string' && input.mailbox.trim() !== '' ? input.mailbox.trim() : undefined;
  if (input.mailbox !== undefined && input.mailbox !== null && mailbox === undefined) throw new ArchiverError('BAD_INPUT', '--mailbox is empty');
  if (mailbox !== undefined && processor !== 'import') {
    throw new ArchiverError('BAD_INPUT', '--mailbox works only with --processor import: only import tasks are keyed by mailbox');
  }
  return { processor, target, ...(mailbox !== undefined ? { mailbox } : {}) };
}

/**
 * The partition kafkajs' DefaultPartitioner (murmur2, Java-compatible) gives a key, computed by
 * calling that partitioner itself so it can never drift from what the producer did.
 */
export function partitionForKey(key: string, partitionCount: number): number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic: 'replay-plan', partitionMetadata, message: { key, value: null } });
}

/**
 * Partitions that may hold a mailbox's import tasks. Route keys tasks by the mailbox as mapped:
 * lower-cased for organization addresses, as written for CSV overrides; both spellings are
 * covered, and re-reading an extra partition is harmless because import is idempotent.
 */
export function partitionsForMailbox(mailbox: string, partitionCount: number): number[] {
  return [...new Set([mailbox, mailbox.toLowerCase()].map((k) => partitionForKey(k, partitionCount)))].sort((a, b) => a - b);
}
