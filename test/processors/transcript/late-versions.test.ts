import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/kafka/records.js';
import { isLateCandidate, rebuiltOutcomes } from '../../../src/processors/transcript/late-versions.js';
import { toTranscriptPlans } from '../../../src/processors/transcript/transform.js';
import { samplePlan } from '../../support/samples.js';

const DAY = '2026-01-05';
const NEXT_START = Date.parse('2026-01-06T00:00:00Z');
const v = (id: string, at: string) => samplePlan({ webexMessageId: id, itemId: `${id}:created:${at}`, versionAt: at, webexCreated: at });

describe('late versions (transcript mode)', () => {
  const a1 = v('a1', '2026-01-05T09:00:00.000Z');
  const a2 = v('a2', '2026-01-05T23:50:00.000Z');
  it('a candidate is a version of an earlier day written at or after the start of the day being built', () => {
    expect(isLateCandidate(a2, NEXT_START, NEXT_START)).toBe(true);
    expect(isLateCandidate(a2, NEXT_START - 1, NEXT_START)).toBe(false); // the earlier run read it
    expect(isLateCandidate(v('b', '2026-01-06T01:00:00.000Z'), NEXT_START + 1, NEXT_START)).toBe(false); // of the day itself
    const [transcript] = toTranscriptPlans([a1], DAY);
    expect(isLateCandidate(transcript!, NEXT_START, NEXT_START)).toBe(false);
  });

  it('a rebuild that adds nothing says nothing; one that adds a version names the versions captured after the newest transcript', () => {
    const before = toTranscriptPlans([a1], DAY);
    const after = toTranscriptPlans([a1, a2], DAY);
    const built = { itemIds: new Set(before.map((t) => t.itemId)), builtAt: NEXT_START + 1000 };
    const now = new Date('2026-01-07T03:00:00Z');
    expect(rebuiltOutcomes(DAY, before, built, [{ plan: a1, timestamp: NEXT_START + 10 }], now)).toEqual([]);
    const out = rebuiltOutcomes(DAY, after, built, [{ plan: a1, timestamp: NEXT_START + 10 }, { plan: a2, timestamp: NEXT_START + 5000 }], now).map((o) => o.value as Outcome);
    expect(out.map((o) => [o.kind, o.processor, o.itemId])).toEqual([['rebuilt', 'transcript', a2.itemId]]);
    expect(out[0]!.reason).toContain(after[0]!.itemId);
    // No transcript yet, or none older than the candidates: every candidate is named, never none.
    expect(rebuiltOutcomes(DAY, after, undefined, [{ plan: a2, timestamp: NEXT_START }], now)).toHaveLength(1);
    expect(rebuiltOutcomes(DAY, after, { ...built, builtAt: NEXT_START + 9999 }, [{ plan: a2, timestamp: NEXT_START + 5000 }], now)).toHaveLength(1);
  });
});
