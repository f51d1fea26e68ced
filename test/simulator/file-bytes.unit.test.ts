import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesFromBase64, bytesFromSeed } from '../../src/simulator/file-bytes.js';

async function drain(stream: NodeJS.ReadableStream): Promise<{ size: number; sha: string; chunks: number; largest: number }> {
  const h = createHash('sha256');
  let size = 0;
  let chunks = 0;
  let largest = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    h.update(c);
    size += c.length;
    chunks += 1;
    largest = Math.max(largest, c.length);
  }
  return { size, sha: h.digest('hex'), chunks, largest };
}

describe('file bytes', () => {
  it('a sized file streams in small chunks, exactly its size, matching its sha256, the same every time', async () => {
    const size = 11 * 1024 * 1024 + 7;
    const a = bytesFromSeed('m1/0/big.bin', size);
    const got = await drain(a.open());
    expect(got.size).toBe(size);
    expect(got.largest).toBeLessThanOrEqual(64 * 1024);
    expect(got.sha).toBe(a.sha256());
    expect(bytesFromSeed('m1/0/big.bin', size).sha256()).toBe(a.sha256());
    expect(bytesFromSeed('m1/1/big.bin', size).sha256()).not.toBe(a.sha256());
  });

  it('an empty file and base64 bytes', async () => {
    expect((await drain(bytesFromSeed('e', 0).open())).size).toBe(0);
    const b = bytesFromBase64('JVBERi0x');
    expect(b.size).toBe(6);
    expect((await drain(b.open())).sha).toBe(createHash('sha256').update('%PDF-1').digest('hex'));
  });
});
