import { describe, expect, it } from 'vitest';
import { diffMailbox } from '../../bench/expected-mailboxes.js';
import { soakPassed, type SoakReport } from '../../bench/soak-report.js';
import { growthMb } from '../../bench/supervisor.js';
import { peakRate } from '../../bench/stats.js';

describe('diffMailbox (the soak and crash verdict)', () => {
  it('names what is missing, held twice and not expected', () => {
    const d = diffMailbox('a@example.com', new Set(['<1>', '<2>', '<3>']), ['<1>', '<2>', '<2>', '<9>']);
    expect(d).toEqual({ mailbox: 'a@example.com', expected: 3, held: 4, missing: ['<3>'], duplicated: ['<2>'], unexpected: ['<9>'] });
  });
  it('is clean when the mailbox holds exactly the expected items once', () => {
    const d = diffMailbox('b@example.com', new Set(['<1>', '<2>']), ['<2>', '<1>']);
    expect([d.missing, d.duplicated, d.unexpected]).toEqual([[], [], []]);
  });
  it('a soak passes only with nothing lost, twice, unexpected or uncaptured, and items > 0', () => {
    const base = { lost: 0, duplicated: 0, unexpected: 0, notCaptured: [], items: 10 } as unknown as SoakReport;
    expect(soakPassed(base)).toBe(true);
    expect(soakPassed({ ...base, duplicated: 1 })).toBe(false);
    expect(soakPassed({ ...base, lost: 1 })).toBe(false);
    expect(soakPassed({ ...base, notCaptured: ['x'] })).toBe(false);
    expect(soakPassed({ ...base, items: 0 })).toBe(false);
  });
});

describe('growthMb (memory flatness in the bench report)', () => {
  it('is the last quarter mean minus the second quarter mean, ignoring start-up', () => {
    expect(growthMb([50, 100, 100, 100, 100, 100, 100, 100])).toBe(0);
    expect(growthMb([10, 10, 20, 20, 30, 30, 40, 40])).toBe(20);
    expect(growthMb([1, 2, 3])).toBe(0);
  });
});

describe('peakRate (a stage\'s best window in the bench report)', () => {
  it('is the highest count per second over any window of at least the given length', () => {
    const points = [0, 500, 1000, 1500, 2000, 2500, 3000].map((ms, i) => ({ ms, count: [0, 10, 20, 120, 220, 230, 240][i]! }));
    // 20 -> 220 between 1000 and 2000 ms: 200/s; no other 1 s window does better.
    expect(peakRate(points, 1000)).toBe(200);
    expect(peakRate(points, 3000)).toBe(80);
    expect(peakRate(points, 4000)).toBe(0);
  });
});
