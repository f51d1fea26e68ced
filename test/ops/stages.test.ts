import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STAGE_INPUTS, STAGE_NAMES } from '../../src/ops/stages.js';
import { partitionForKey, partitionsForMailbox, toReplayRequest } from '../../src/ops/replay-plan.js';
import { commitTimeFromMetadata, partitionLag } from '../../src/ops/lag.js';
import { createCommitTracker } from '../../src/ops/commit-tracker.js';

describe('ops pure cores', () => {
  it('the stage table lists every processor in pipeline order with the input its spec declares', () => {
    // Read the sources rather than importing them: building the specs needs a runtime and a sink.
    const names = /PROCESSOR_NAMES = \[([^\]]+)\]/.exec(readFileSync('src/processors/index.ts', 'utf8'))![1]!.match(/'(\w+)'/g)!.map((n) => n.slice(1, -1));
    expect(STAGE_NAMES).toEqual(names);
    for (const name of STAGE_NAMES) {
      const file = path.join('processors', name, 'index.ts');
      if (!existsSync(file)) continue;
      const m = new RegExp(`name: '${name}',\\s*input: '(\\w+)'`).exec(readFileSync(file, 'utf8'));
      expect(m?.[1], `${file} input`).toBe(STAGE_INPUTS[name]);
    }
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
