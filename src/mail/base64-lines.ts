import { Transform } from 'node:stream';

/**
 * Base64 body encoding in 76-character lines ending CRLF (RFC 2045 §6.8), streaming: at most
 * 57 bytes (one line) are held between chunks, so memory stays flat for a 100 MB attachment.
 */
export const LINE_BYTES = 57; // 57 bytes -> 76 base64 characters

/** Exact encoded length of `n` bytes: the limit stage relies on this matching the real output. */
export function base64EncodedLength(n: number): number {
  if (n === 0) return 0;
  const chars = 4 * Math.ceil(n / 3);
  return chars + 2 * Math.ceil(chars / 76);
}

export function base64Buffer(buf: Buffer): string {
  let out = '';
  for (let i = 0; i < buf.length; i += LINE_BYTES) out += buf.subarray(i, i + LINE_BYTES).toString('base64') + '\r\n';
  return out;
}

export function base64LineStream(): Transform {
  let carry = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const whole = data.length - (data.length % LINE_BYTES);
      carry = Buffer.from(data.subarray(whole));
      cb(null, whole ? base64Buffer(data.subarray(0, whole)) : undefined);
    },
    flush(cb) {
      cb(null, carry.length ? base64Buffer(carry) : undefined);
    },
  });
}
