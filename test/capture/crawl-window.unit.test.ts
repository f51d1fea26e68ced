import { describe, expect, it } from 'vitest';
import { nextDailyRun, planWindows } from '../../src/capture/crawl-window.js';

describe('planWindows', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  it('starts an overlap before the checkpoint and covers up to now in windows', () => {
    const w = planWindows('2026-03-01T10:30:00.000Z', now, { overlapMinutes: 30, windowMinutes: 60, firstRunLookbackHours: 24 });
    expect(w[0]!.from).toBe('2026-03-01T10:00:00.000Z');
    expect(w.at(-1)!.to).toBe(now.toISOString());
    expect(w).toHaveLength(2);
    for (let i = 1; i < w.length; i++) expect(w[i]!.from).toBe(w[i - 1]!.to);
  });
  it('looks back on a first run', () => {
    const w = planWindows(null, now, { overlapMinutes: 30, windowMinutes: 360, firstRunLookbackHours: 24 });
    expect(w[0]!.from).toBe('2026-02-28T12:00:00.000Z');
    expect(w).toHaveLength(4);
  });
});

describe('nextDailyRun', () => {
  it('is later today, or tomorrow once the time has passed', () => {
    expect(nextDailyRun(new Date('2026-03-01T01:00:00Z'), '02:00').toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(nextDailyRun(new Date('2026-03-01T02:00:00Z'), '02:00').toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });
});
