import { describe, expect, it } from 'vitest';
import { backoffDelayMs, decideRetry, DEFAULT_RETRY_POLICY, newRetryCounts, parseRetryAfter, type AttemptOutcome } from '../../src/webex/retry.js';

const policy = { ...DEFAULT_RETRY_POLICY };
const half = (): number => 0.5;
const status = (s: number, retryAfter?: string): AttemptOutcome => ({ kind: 'status', status: s, retryAfter });

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-05T09:00:00Z');
  it('reads delay-seconds, defaults to 15 s, never goes under 1 s', () => {
    expect(parseRetryAfter('3600', 15)).toBe(3600);
    expect(parseRetryAfter(' 7 ', 15)).toBe(7);
    expect(parseRetryAfter(undefined, 15)).toBe(15);
    expect(parseRetryAfter(null, 15)).toBe(15);
    expect(parseRetryAfter('soon', 15)).toBe(15);
    expect(parseRetryAfter('-3', 15)).toBe(15);
    expect(parseRetryAfter('1.5', 15)).toBe(15);
    expect(parseRetryAfter('0', 15)).toBe(1);
  });
  it('reads an HTTP-date (RFC 9110)', () => {
    expect(parseRetryAfter('Mon, 05 Jan 2026 09:00:30 GMT', 15, now)).toBe(30);
    expect(parseRetryAfter('Mon, 05 Jan 2026 08:00:00 GMT', 15, now)).toBe(1);
  });
});

describe('backoffDelayMs', () => {
  it('doubles per retry with equal jitter, capped', () => {
    expect(backoffDelayMs(1, 500, 30_000, () => 0)).toBe(250);
    expect(backoffDelayMs(1, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelayMs(3, 500, 30_000, () => 0.5)).toBe(1500);
    expect(backoffDelayMs(20, 500, 30_000, () => 1)).toBe(30_000);
  });
});

describe('decideRetry', () => {
  it('429: waits Retry-After seconds, 15 s when missing, then gives up with the told wait', () => {
    const c = newRetryCounts();
    expect(decideRetry(status(429, '3'), c, policy)).toEqual({ retry: true, reason: 'rate-limited', delayMs: 3000, retryAfterSeconds: 3 });
    expect(decideRetry(status(429), c, policy)).toMatchObject({ retry: true, delayMs: 15_000 });
    expect(decideRetry(status(429, '0'), c, policy)).toMatchObject({ retry: true, delayMs: 1000 });
    const capped = decideRetry(status(429, '3600'), newRetryCounts(), { ...policy, retryAfterCapSeconds: 2 });
    expect(capped).toMatchObject({ retry: true, delayMs: 2000, retryAfterSeconds: 3600 });
    const spent = { ...newRetryCounts(), rateLimited: policy.maxRateLimitRetries };
    expect(decideRetry(status(429, '9'), spent, policy)).toEqual({ retry: false, retryAfterSeconds: 9 });
  });

  it('5xx, 408, timeouts and network errors: exponential backoff, bounded by maxAttempts (first try included)', () => {
    const c = newRetryCounts();
    const delays: number[] = [];
    for (const o of [status(500), status(503), { kind: 'timeout' } as const, { kind: 'network' } as const]) {
      const d = decideRetry(o, c, policy, {}, half);
      expect(d.retry).toBe(true);
      if (d.retry) delays.push(d.delayMs);
    }
    expect(delays).toEqual([375, 750, 1500, 3000]);
    expect(decideRetry(status(502), c, policy, {}, half)).toEqual({ retry: false });
    expect(decideRetry(status(408), newRetryCounts(), policy, {}, half)).toMatchObject({ retry: true, reason: 'timeout' });
    expect(decideRetry({ kind: 'network' }, newRetryCounts(), policy, {}, half)).toMatchObject({ retry: true, reason: 'network' });
  });

  it('503 with Retry-After waits at least that long', () => {
    expect(decideRetry(status(503, '4'), newRetryCounts(), policy, {}, half)).toMatchObject({ retry: true, reason: 'server-error', delayMs: 4000 });
  });

  it('423: waits Retry-After, a bounded number of times', () => {
    const c = newRetryCounts();
    for (let i = 0; i < policy.maxNotYetRetries; i++) {
      expect(decideRetry(status(423, '2'), c, policy)).toMatchObject({ retry: true, reason: 'not-yet', delayMs: 2000 });
    }
    expect(decideRetry(status(423, '2'), c, policy)).toEqual({ retry: false, retryAfterSeconds: 2 });
  });

  it('404: retried only when asked (retryNotFound), with backoff', () => {
    expect(decideRetry(status(404), newRetryCounts(), policy)).toEqual({ retry: false });
    const c = newRetryCounts();
    expect(decideRetry(status(404), c, policy, { retryNotFound: 2 }, half)).toMatchObject({ retry: true, reason: 'not-found', delayMs: 750 });
    expect(decideRetry(status(404), c, policy, { retryNotFound: 2 }, half)).toMatchObject({ retry: true, delayMs: 1500 });
    expect(decideRetry(status(404), c, policy, { retryNotFound: 2 }, half)).toEqual({ retry: false });
  });

  it('428: only when allowed, once, with allow=unscannable', () => {
    expect(decideRetry(status(428), newRetryCounts(), policy)).toEqual({ retry: false });
    const c = newRetryCounts();
    expect(decideRetry(status(428), c, policy, { allowUnscannable: true })).toEqual({ retry: true, reason: 'unscannable', delayMs: 0, allowUnscannable: true });
    expect(decideRetry(status(428), c, policy, { allowUnscannable: true })).toEqual({ retry: false });
  });

  it.each([400, 401, 403, 405, 409, 410, 415])('%i is never retried', (s) => {
    expect(decideRetry(status(s, '1'), newRetryCounts(), policy, { retryNotFound: 5, allowUnscannable: true })).toEqual({ retry: false });
  });
});
