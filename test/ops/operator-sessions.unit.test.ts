import { describe, expect, it } from 'vitest';
import { createOperatorSessions } from '../../src/ops/operator-sessions.js';
import { sessionIdFrom } from '../../src/ops/session-cookie.js';
import { createSignInLimiter } from '../../src/ops/sign-in-limiter.js';

const TOKEN = 'own-operator-token-0123456789';

describe('operator sessions', () => {
  it('a session id is random, 256 bits in base64url, and is not the token', () => {
    const s = createOperatorSessions();
    const a = s.open(TOKEN);
    const b = s.open(TOKEN);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.id).not.toContain(TOKEN);
    expect(a.maxAgeSeconds).toBe(12 * 3600);
    expect(s.isLive(a.id, TOKEN) && s.isLive(b.id, TOKEN)).toBe(true);
  });

  it('ends at expiry, at sign-out, and when the token rotates', () => {
    let now = 1_000_000;
    const s = createOperatorSessions({ ttlMs: 60_000, now: () => now });
    const expiring = s.open(TOKEN).id;
    const signedOut = s.open(TOKEN).id;
    const rotated = s.open(TOKEN).id;
    s.revoke(signedOut);
    expect(s.isLive(signedOut, TOKEN)).toBe(false);
    expect(s.isLive(rotated, 'the-next-operator-token-987654')).toBe(false);
    // Once refused for the rotated token it is gone, even for the old one.
    expect(s.isLive(rotated, TOKEN)).toBe(false);
    now += 59_999;
    expect(s.isLive(expiring, TOKEN)).toBe(true);
    now += 1;
    expect(s.isLive(expiring, TOKEN)).toBe(false);
    expect(s.size()).toBe(0);
  });

  it('holds at most `max` sessions, dropping the oldest', () => {
    const s = createOperatorSessions({ max: 2 });
    const first = s.open(TOKEN).id;
    s.open(TOKEN);
    const third = s.open(TOKEN).id;
    expect(s.size()).toBe(2);
    expect(s.isLive(first, TOKEN)).toBe(false);
    expect(s.isLive(third, TOKEN)).toBe(true);
  });

  it.each([
    [undefined, undefined], ['', undefined], ['wxa_session=', undefined], ['wxa_session=%E0%A4%A', undefined],
    ['wxa_session=short', undefined], [`wxa_session=${'a'.repeat(44)}`, undefined], [`wxa_session=${'a'.repeat(42)}!`, undefined],
    [`wxa_operator=${TOKEN}`, undefined], ['=;;;=', undefined], [`other=1; wxa_session=${'A'.repeat(43)}; x=y`, 'A'.repeat(43)],
    [`wxa_session="${'b'.repeat(43)}"`, 'b'.repeat(43)],
  ])('sessionIdFrom(%j) is %j', (header, id) => {
    expect(sessionIdFrom(header)).toBe(id);
  });
});

describe('the sign-in limiter', () => {
  it('refuses an address after maxFailures in the window, until the oldest of them ages out; other addresses are not affected', () => {
    let now = 0;
    const l = createSignInLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 1; i <= 3; i++) {
      expect(l.retryAfterSeconds('10.0.0.1')).toBe(0);
      expect(l.fail('10.0.0.1')).toBe(i);
      now += 1000;
    }
    expect(l.retryAfterSeconds('10.0.0.1')).toBe(57);
    expect(l.retryAfterSeconds('10.0.0.2')).toBe(0);
    now = 60_000;
    expect(l.retryAfterSeconds('10.0.0.1')).toBe(0);
  });

  it('a success clears the count; memory is bounded by maxAddresses', () => {
    const l = createSignInLimiter({ maxFailures: 2, maxAddresses: 2 });
    l.fail('a'); l.succeed('a');
    expect(l.fail('a')).toBe(1);
    l.fail('b'); l.fail('c');
    // 'a' failed longest ago and was forgotten.
    expect(l.fail('a')).toBe(1);
  });
});
