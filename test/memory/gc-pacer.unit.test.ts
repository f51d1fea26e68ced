import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { gcPacer, gcPacingAvailable } from '../../src/memory/gc-pacer.js';

describe('gcPacer', () => {
  it('asks for a collection each time a stream has moved everyBytes, not before', () => {
    let collections = 0;
    const pace = gcPacer(1000, () => { collections++; });
    pace(600);
    pace(399);
    expect(collections).toBe(0);
    pace(1);
    expect(collections).toBe(1);
    pace(2500);
    expect(collections).toBe(2);
    pace(999);
    expect(collections).toBe(2);
  });

  it('reaches the collector on this Node without --expose-gc, and empties the young generation at once', () => {
    expect(gcPacingAvailable()).toBe(true);
    const youngUsed = () => v8.getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')!.space_used_size;
    let garbage: unknown[] = [];
    for (let i = 0; i < 100_000 && youngUsed() < 512 * 1024; i++) garbage.push({ i, s: `chunk ${i}` });
    garbage = [];
    const before = youngUsed();
    expect(before).toBeGreaterThan(256 * 1024);
    gcPacer(1024)(1024);
    expect(youngUsed()).toBeLessThan(before / 2);
    expect(garbage).toEqual([]);
  });
});
