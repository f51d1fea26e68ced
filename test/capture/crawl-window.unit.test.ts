import { describe, expect, it } from 'vitest';
import { nextDailyRun, planRange, remainingLists } from '../../src/capture/crawl-window.js';

describe('planRange', () => {
  const now = new Date('2026-03-01T12:00:00.000Z');
  const opts = { overlapMinutes: 30, firstRunLookbackHours: 24 * 90 };
  it('is one range from an overlap before the checkpoint to now, however long', () => {
    expect(planRange({ cursor: '2025-12-01T10:30:00.000Z' }, now, opts)).toEqual({ range: { from: '2025-12-01T10:00:00.000Z', to: now.toISOString() } });
  });
  it('looks back on a first run', () => {
    expect(planRange(undefined, now, opts)?.range.from).toBe('2025-12-01T12:00:00.000Z');
  });
  it('is nothing when the checkpoint is ahead of now', () => {
    expect(planRange({ cursor: '2026-03-01T13:00:00.000Z' }, now, { ...opts, overlapMinutes: 0 })).toBeUndefined();
  });
  it('finishes an interrupted range first, exactly as it was, from where it stood', () => {
    const cp = { cursor: '2026-01-01T00:00:00.000Z', rangeTo: '2026-02-01T00:00:00.000Z', resource: 'messages', nextPage: 'https://webexapis.com/v1/events?cursor=abc' };
    expect(planRange(cp, now, opts)).toEqual({ range: { from: cp.cursor, to: cp.rangeTo }, resume: { resource: 'messages', nextPage: cp.nextPage } });
  });
});

describe('remainingLists', () => {
  const all = ['messages', 'memberships'];
  it('reads every resource from its first page when nothing was interrupted', () => {
    expect(remainingLists(all, undefined)).toEqual([{ resource: 'messages' }, { resource: 'memberships' }]);
  });
  it('resumes the interrupted list at its kept next page, then the rest', () => {
    expect(remainingLists(all, { resource: 'messages', nextPage: 'u' })).toEqual([{ resource: 'messages', startAt: 'u' }, { resource: 'memberships' }]);
  });
  it('skips a list that was read to its end', () => {
    expect(remainingLists(all, { resource: 'messages', nextPage: null })).toEqual([{ resource: 'memberships' }]);
    expect(remainingLists(all, { resource: 'memberships', nextPage: null })).toEqual([]);
  });
  it('reads everything again when the interrupted resource is not one it reads', () => {
    expect(remainingLists(['messages'], { resource: 'memberships', nextPage: 'u' })).toEqual([{ resource: 'messages' }]);
  });
});

describe('nextDailyRun', () => {
  it('is later today, or tomorrow once the time has passed', () => {
    expect(nextDailyRun(new Date('2026-03-01T01:00:00Z'), '02:00').toISOString()).toBe('2026-03-01T02:00:00.000Z');
    expect(nextDailyRun(new Date('2026-03-01T02:00:00Z'), '02:00').toISOString()).toBe('2026-03-02T02:00:00.000Z');
  });
});
