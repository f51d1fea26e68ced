import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readAll } from '../../src/memory/read-all.js';

describe('readAll', () => {
  it('returns a one-chunk stream\'s Buffer itself, without a copy', async () => {
    const b = Buffer.from('one item, inline');
    expect(await readAll(Readable.from([b]))).toBe(b);
  });
  it('concatenates chunks in order, strings as UTF-8 and plain Uint8Arrays included', async () => {
    const out = await readAll(Readable.from([Buffer.from('a'), 'é', new Uint8Array([0x62, 0x63])], { objectMode: true }));
    expect(out.toString('utf8')).toBe('aébc');
    expect(Buffer.isBuffer(out)).toBe(true);
  });
  it('reads an empty stream as an empty Buffer', async () => {
    expect((await readAll(Readable.from([]))).length).toBe(0);
  });
});
