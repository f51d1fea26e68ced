import { describe, expect, it } from 'vitest';
import { bySendBudget, publishPhases, type Output } from '../../src/kafka/publisher.js';
import { splitIntoRuns } from '../../src/kafka/runs.js';

describe('bySendBudget (publisher sends under a broker\'s message.max.bytes)', () => {
  const rec = (n: number, key: string | null = 'k') => ({ key, value: Buffer.alloc(n) });
  it('keeps order and splits where the next record would pass the budget; a record over it goes alone', () => {
    const records = [rec(400), rec(400), rec(300), rec(2000), rec(100, null), rec(50)];
    const parts = bySendBudget(records, 1000);
    expect(parts.map((p) => p.map((r) => r.value.length))).toEqual([[400, 400], [300], [2000], [100, 50]]);
    expect(parts.flat()).toEqual(records);
  });
  it('counts key bytes and returns nothing for nothing', () => {
    expect(bySendBudget([rec(500, 'x'.repeat(600)), rec(10)], 1000).map((p) => p.length)).toEqual([1, 1]);
    expect(bySendBudget([], 1000)).toEqual([]);
  });
});

describe('publishPhases (a "done" record is written only after what it vouches for)', () => {
  it('puts every state-topic record after all others, keeping order within each', () => {
    // Values play no part in the order; a tombstone stands in for each record.
    const o = (topic: 'dedupeState' | 'checkpoints' | 'unique' | 'outcomes', key: string): Output => ({ topic, key, value: null } as Output);
    const phases = publishPhases([o('dedupeState', 'a'), o('unique', 'a'), o('outcomes', 'x'), o('dedupeState', 'b'), o('unique', 'b')]);
    expect(phases.map((p) => p.map((r) => `${r.topic}:${r.key}`))).toEqual([
      ['unique:a', 'outcomes:x', 'unique:b'],
      ['dedupeState:a', 'dedupeState:b'],
    ]);
    expect(publishPhases([o('checkpoints', 'c')])).toEqual([[o('checkpoints', 'c')]]);
    expect(publishPhases([])).toEqual([]);
  });
});

describe('splitIntoRuns (runner chunks: count and input bytes)', () => {
  it('closes a run at maxCount or before the byte budget would pass, a large item alone', () => {
    const sizes = [10, 10, 10, 10, 500, 10, 10];
    const runs = splitIntoRuns(sizes, (n) => n, { maxBytes: 100, maxCount: 3 });
    expect(runs).toEqual([[10, 10, 10], [10], [500], [10, 10]]);
    expect(splitIntoRuns(sizes, (n) => n, { maxBytes: Infinity, maxCount: 100 })).toEqual([sizes]);
  });
});
