import { describe, expect, it } from 'vitest';
import { createKeyedMutex, mapByKey, mapInOrder } from '../../src/kafka/keyed-concurrency.js';

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
  it("with a run length, takes a key's records in runs of at most that many, and one busy key gets several lanes", async () => {
    // a1..a6 of one busy key and b1: runs [a1 a2] [a3 a4] [a5 a6] [b1] on three lanes.
    const items = ['a1', 'a2', 'a3', 'b1', 'a4', 'a5', 'a6'];
    const log: string[] = [];
    const out = await mapByKey(items, (s) => s[0]!, 3, async (s) => {
      log.push(`start ${s}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${s}`);
      return s;
    }, { runLength: 2 });
    expect(out).toEqual(items);
    // The three runs of a start together; each run's second record follows its first.
    expect(log.slice(0, 3)).toEqual(['start a1', 'start a3', 'start a5']);
    for (const [first, second] of [['a1', 'a2'], ['a3', 'a4'], ['a5', 'a6']]) expect(log.indexOf(`start ${second}`)).toBeGreaterThan(log.indexOf(`end ${first}`));
    // b waits for a free lane, as any fourth run would.
    expect(log.indexOf('start b1')).toBeGreaterThan(log.indexOf('end a1'));
  });
  it('with `together`, runs a key\'s consecutive such records at once; any other record of the key is a barrier', async () => {
    // m = message delivery (together), J = a join (barrier), all of one room.
    const items = ['m1', 'm2', 'm3', 'J4', 'm5', 'm6'];
    const log: string[] = [];
    const out = await mapByKey(items, () => 'room', 4, async (s) => {
      log.push(`start ${s}`);
      await new Promise((r) => setTimeout(r, s === 'm1' ? 20 : 5));
      log.push(`end ${s}`);
      return s;
    }, { together: (s) => s.startsWith('m') });
    expect(out).toEqual(items);
    expect(log.slice(0, 3)).toEqual(['start m1', 'start m2', 'start m3']);
    // The join waits for every message before it, even the slow first one, and holds up the ones after.
    const startJ = log.indexOf('start J4');
    for (const m of ['m1', 'm2', 'm3']) expect(startJ).toBeGreaterThan(log.indexOf(`end ${m}`));
    for (const m of ['m5', 'm6']) expect(log.indexOf(`start ${m}`)).toBeGreaterThan(log.indexOf('end J4'));
    expect(log.indexOf('start m6')).toBeLessThan(log.indexOf('end m5'));
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

describe('mapInOrder', () => {
  const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
  it('emits results in input order, in runs, while later items are still being worked on', async () => {
    const log: string[] = [];
    const items = [1, 2, 3, 4, 5, 6, 7];
    const runs: number[][] = [];
    // Item 1 is the slowest: nothing may be emitted before it, and after it the first run at once.
    await mapInOrder(items, 3, 3, async (n) => { await tick(n === 1 ? 30 : 5); log.push(`done ${n}`); return n * 10; }, async (run) => {
      log.push(`emit ${run.join(',')}`);
      runs.push(run);
      await tick(20);
    });
    expect(runs).toEqual([[10, 20, 30], [40, 50, 60], [70]]);
    expect(log.indexOf('emit 10,20,30')).toBeGreaterThan(log.indexOf('done 1'));
    // The work went on during the first emit: item 7 finished before the first emit's 20 ms were over.
    expect(log.indexOf('done 7')).toBeLessThan(log.indexOf('emit 40,50,60'));
  });
  it('emits nothing past a failed item, and rejects with its error', async () => {
    const runs: number[][] = [];
    await expect(mapInOrder([1, 2, 3, 4], 2, 1, async (n) => { await tick(n * 3); if (n === 3) throw new Error('boom 3'); return n; }, async (run) => { runs.push(run); })).rejects.toThrow('boom 3');
    expect(runs.flat()).toEqual([1, 2]);
  });
  it('emits one after the other, never two runs at once', async () => {
    let emitting = 0; let peak = 0;
    await mapInOrder(Array.from({ length: 20 }, (_, i) => i), 8, 2, async (n) => n, async () => { emitting++; peak = Math.max(peak, emitting); await tick(2); emitting--; });
    expect(peak).toBe(1);
  });
});
