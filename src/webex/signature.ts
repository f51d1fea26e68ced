import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. Webex puts the hex HMAC-SHA1 of the raw JSON body, keyed with the
 * webhook `secret`, in `X-Spark-Signature` (docs/webex-api.md, "Signature"). We always sign and
 * verify the exact bytes received: re-serialising parsed JSON would not round-trip.
 */

const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/** Hex HMAC-SHA1 of the raw body bytes, as Webex computes it. */
export function signWebhookBody(body: Buffer | string, secret: string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/**
 * True when `header` is the HMAC-SHA1 of `body` under `secret`. Compared in constant time so a
 * caller cannot learn the signature byte by byte; a missing, malformed or wrong-length header is
 * simply `false`, never an exception (it is outside input).
 */
export function verifyWebhookSignature(body: Buffer, header: string | undefined, secret: string): boolean {
  if (typeof header !== 'string') return false;
  const candidate = header.trim();
  if (!SHA1_HEX.test(candidate)) return false;
  const expected = createHmac('sha1', secret).update(body).digest();
  const given = Buffer.from(candidate, 'hex');
  // Both are 20 bytes here (the regex pins the length), which timingSafeEqual requires.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
