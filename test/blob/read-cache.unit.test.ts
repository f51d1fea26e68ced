import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { cachedReader } from '../../src/blob/read-cache.js';

describe('cachedReader (import fan-out)', () => {
  const source = () => {
    const calls: string[] = [];
    let failNext = false;
    const read = async (c: string, n: string) => {
      calls.push(`${c}/${n}`);
      await new Promise((r) => setTimeout(r, 10));
      if (failNext) { failNext = false; throw new Error('blob unavailable'); }
      return Readable.from([Buffer.from(`bytes of ${n}`)]);
    };
    return { calls, read, failOnce: () => { failNext = true; } };
  };

  it('overlapping reads of one small blob share one download; later reads hit the cache', async () => {
    const s = source();
    const read = cachedReader(s.read);
    const got = await Promise.all([1, 2, 3].map(async () => (await buffer(await read('staging', 'a.eml', 10))).toString()));
    expect(got).toEqual(['bytes of a.eml', 'bytes of a.eml', 'bytes of a.eml']);
    expect((await buffer(await read('staging', 'a.eml', 10))).toString()).toBe('bytes of a.eml');
    expect(s.calls).toEqual(['staging/a.eml']);
  });

  it('a failed download is not cached, and large blobs are streamed every time', async () => {
    const s = source();
    const read = cachedReader(s.read, { maxItemBytes: 100 });
    s.failOnce();
    await expect(read('staging', 'b.eml', 10)).rejects.toThrow('blob unavailable');
    expect((await buffer(await read('staging', 'b.eml', 10))).toString()).toBe('bytes of b.eml');
    await read('staging', 'big.eml', 1000);
    await read('staging', 'big.eml', 1000);
    expect(s.calls).toEqual(['staging/b.eml', 'staging/b.eml', 'staging/big.eml', 'staging/big.eml']);
  });
});
