import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Bytes for a fixture file. A file given only by `size` gets a deterministic stream: the AES-128-CTR
 * keystream under a key derived from the file's name in the fixture. It is fast, the same on every
 * run, and produced chunk by chunk, so a 100 MB attachment never sits in memory.
 */
export interface FileBytes {
  readonly size: number;
  /** A fresh stream of the whole content. */
  open(): Readable;
  /** SHA-256 (hex) of the content, computed once on first use. */
  sha256(): string;
}

const CHUNK = 64 * 1024;

export function bytesFromBase64(b64: string): FileBytes {
  const buf = Buffer.from(b64, 'base64');
  let sha: string | undefined;
  return {
    size: buf.length,
    open: () => Readable.from([buf]),
    sha256: () => (sha ??= createHash('sha256').update(buf).digest('hex')),
  };
}

export function bytesFromSeed(name: string, size: number): FileBytes {
  const key = createHash('sha256').update(`webex-simulator-file:${name}`).digest();
  const cipher = () => createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  const zeros = Buffer.alloc(CHUNK);
  let sha: string | undefined;
  function* chunks(): Generator<Buffer> {
    const c = cipher();
    for (let left = size; left > 0; left -= CHUNK) yield c.update(left >= CHUNK ? zeros : zeros.subarray(0, left));
  }
  return {
    size,
    open: () => Readable.from(chunks(), { objectMode: false }),
    sha256: () => {
      if (sha === undefined) {
        const h = createHash('sha256');
        for (const c of chunks()) h.update(c);
        sha = h.digest('hex');
      }
      return sha;
    },
  };
}
