import { describe, expect, it } from 'vitest';
import { STAGES, STAGE_NAMES } from '../../src/pipeline/stages.js';
import { partitionForKey, partitionsForMailbox, toReplayRequest } from '../../src/ops/replay-plan.js';
import { commitTimeFromMetadata, partitionLag } from '../../src/ops/lag.js';
import { createCommitTracker } from '../../src/ops/commit-tracker.js';

describe('ops pure cores', () => {
  it('the declared pipeline is one chain: each stage reads what an earlier stage (or capture) writes', () => {
    // Capture (receiver, crawler) writes webhooks and raw; every other input must be an earlier output.
    const written = new Set<string>(['webhooks', 'raw']);
    for (const name of STAGE_NAMES) {
      expect(written.has(STAGES[name].input), `${name} reads ${STAGES[name].input}, which nothing before it writes`).toBe(true);
      for (const out of STAGES[name].outputs) written.add(out);
    }
    // Every topic a stage writes is read by a later stage, or is a log or state the operators or
    // capture read (the membership timeline is read by hydrate and the crawler).
    const ends = new Set(['outcomes', 'dedupeState', 'memberships']);
    for (const [i, name] of STAGE_NAMES.entries()) {
      for (const out of STAGES[name].outputs) {
        const readLater = STAGE_NAMES.slice(i + 1).some((n) => STAGES[n].input === out);
        expect(readLater || ends.has(out), `${name} writes ${out}, which no later stage reads`).toBe(true);
      }
    }
    // Only a stage whose order does not matter may park a record and move on.
    for (const name of STAGE_NAMES) {
      const decl = STAGES[name] as { retryTopics?: readonly string[]; ordering?: string };
      if (decl.retryTopics?.length) expect(decl.ordering, `${name} parks records but keeps order`).toBe('none');
    }
    expect(STAGE_NAMES[0]).toBe('hydrate');
    expect(STAGE_NAMES.at(-1)).toBe('import');
  });

  it('lag is end minus committed, or end minus earliest when nothing is committed', () => {
    expect(partitionLag({ partition: 0, committed: '7', low: '0', high: '10' }).lag).toBe(3);
    expect(partitionLag({ partition: 0, committed: '-1', low: '4', high: '10' })).toMatchObject({ lag: 6, committed: null });
    expect(partitionLag({ partition: 0, committed: '2', low: '5', high: '10' }).lag).toBe(5); // retention passed the commit
    expect(partitionLag({ partition: 0, committed: '10', low: '0', high: '10' }).lag).toBe(0);
  });

  it('reads the commit time only from metadata that is an ISO time', () => {
    expect(commitTimeFromMetadata('2026-01-05T09:00:00.123Z')).toBe('2026-01-05T09:00:00.123Z');
    expect(commitTimeFromMetadata('committedAt=2026-01-05T09:00:00Z')).toBe('2026-01-05T09:00:00.000Z');
    expect(commitTimeFromMetadata('')).toBeNull();
    expect(commitTimeFromMetadata('event-id-3')).toBeNull();
  });

  it('the commit tracker reports movement and forward progress only', () => {
    const tracker = createCommitTracker();
    const group = (c: string | null) => [{ processor: 'dedupe', groupId: 'g', topic: 't', state: 'Stable', members: 1, partitions: [partitionLag({ partition: 0, committed: c, low: '0', high: '100' })], lagSum: 0, lastCommitAt: null, lastCommitSource: null }];
    const first = group('10');
    expect(tracker.observe(first, new Date('2026-01-05T09:00:00Z')).get('g')!.recordsPerSecond).toBeNull();
    expect(first[0]!.lastCommitAt).toBeNull();
    const second = group('30');
    expect(tracker.observe(second, new Date('2026-01-05T09:00:10Z')).get('g')!.recordsPerSecond).toBe(2);
    expect(second[0]).toMatchObject({ lastCommitAt: '2026-01-05T09:00:10.000Z', lastCommitSource: 'observed' });
    expect(tracker.observe(group('0'), new Date('2026-01-05T09:00:20Z')).get('g')!.recordsPerSecond).toBe(0); // a replay is not throughput
  });

  it('replay requests: exactly one target, a zoned time, --mailbox only for import', () => {
    expect(toReplayRequest({ processor: 'import', toEarliest: true, mailbox: 'a@example.com' })).toEqual({ processor: 'import', target: { kind: 'earliest' }, mailbox: 'a@example.com' });
    expect(toReplayRequest({ processor: 'route', toTime: '2026-01-05T09:00:00Z' }).target).toEqual({ kind: 'time', at: new Date('2026-01-05T09:00:00Z') });
    expect(() => toReplayRequest({ processor: 'route', toEarliest: true, toTime: '2026-01-05T09:00:00Z' })).toThrow(/exactly one/);
    expect(() => toReplayRequest({ processor: 'route', toTime: '2026-01-05 09:00' })).toThrow(/ISO 8601/);
    expect(() => toReplayRequest({ processor: 'route', toEarliest: true, mailbox: 'a@example.com' })).toThrow(/only with --processor import/);
    expect(() => toReplayRequest({ processor: 'nope', toEarliest: true })).toThrow(/processor must be one of/);
  });

  it('computes a stable key partition and covers both spellings of a mailbox', () => {
    // That it matches what the producer really did is checked against Kafka in replay.test.ts.
    const p = partitionForKey('alice@example.com', 6);
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(6);
    expect(partitionForKey('alice@example.com', 6)).toBe(p); // deterministic, unlike the round-robin path
    expect(partitionsForMailbox('Alice@Example.com', 64)).toEqual([...new Set([partitionForKey('Alice@Example.com', 64), partitionForKey('alice@example.com', 64)])].sort((a, b) => a - b));
  });
});
