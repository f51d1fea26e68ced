import { describe, expect, it } from 'vitest';
import { createKeyedMutex, mapByKey } from '../../src/kafka/keyed-concurrency.js';

describe('mapByKey', () => {
  it('keeps each key in order, runs keys in parallel up to the limit, returns results in input order', async () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    const log: string[] = [];
    let inFlight = 0;
    let peak = 0;
    const out = await mapByKey(items, (s) => s[0]!, 2, async (s) => {
      inFlight++; peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, s === 'a1' ? 30 : 5));
      log.push(s);
      inFlight--;
      return s.toUpperCase();
    });
    expect(out).toEqual(items.map((s) => s.toUpperCase()));
    expect(peak).toBe(2);
    for (const k of ['a', 'b']) expect(log.filter((s) => s[0] === k)).toEqual(items.filter((s) => s[0] === k));
  });
  it('is strictly sequential with limit 1', async () => {
    let inFlight = 0; let peak = 0;
    await mapByKey([1, 2, 3], () => null, 1, async (n) => { inFlight++; peak = Math.max(peak, inFlight); await new Promise((r) => setTimeout(r, 2)); inFlight--; return n; });
    expect(peak).toBe(1);
  });
});

describe('createKeyedMutex', () => {
  it('runs one at a time per key, keys in parallel, and a failure does not block the next', async () => {
    const exclusive = createKeyedMutex();
    const log: string[] = [];
    const job = (key: string, tag: string, ms: number, fail = false) => exclusive(key, async () => {
      log.push(`start ${tag}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${tag}`);
      if (fail) throw new Error(tag);
      return tag;
    });
    const results = await Promise.allSettled([job('x', 'x1', 30, true), job('x', 'x2', 5), job('y', 'y1', 5)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // y1 ran while x1 held x; x2 started only after x1 ended.
    expect(log.indexOf('start y1')).toBeLessThan(log.indexOf('end x1'));
    expect(log.indexOf('start x2')).toBeGreaterThan(log.indexOf('end x1'));
  });
});
