import { describe, expect, it } from 'vitest';
import { mapByKey } from '../../src/kafka/keyed-concurrency.js';

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
