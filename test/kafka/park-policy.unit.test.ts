import { describe, expect, it } from 'vitest';
import { ArchiverError } from '../../src/errors.js';
import { isRedriven, parksOf, parkTier, shouldPark, splitDue, type ParkPolicy } from '../../src/kafka/park-policy.js';

const policy: ParkPolicy = { quickAttempts: 3, tiers: [{ topic: 'importsRetry1', delayMs: 60_000 }, { topic: 'importsRetry2', delayMs: 600_000 }, { topic: 'importsRetry3', delayMs: 3_600_000 }] };
const err = (code: ConstructorParameters<typeof ArchiverError>[0]) => new ArchiverError(code, 'x');

describe('park policy (pure)', () => {
  it('parks a mailbox refusal at once, a transient failure after the quick attempts, never a pause or a permanent failure', () => {
    expect(shouldPark(policy, err('MAILBOX_UNAVAILABLE'), 1)).toBe(true);
    expect(shouldPark(policy, err('UNAVAILABLE'), 2)).toBe(false);
    expect(shouldPark(policy, err('UNAVAILABLE'), 3)).toBe(true);
    expect(shouldPark(policy, err('AUTH_FAILED'), 50)).toBe(false);
    expect(shouldPark(policy, err('BAD_RECORD'), 50)).toBe(false);
    expect(shouldPark(undefined, err('MAILBOX_UNAVAILABLE'), 50)).toBe(false);
  });

  it('goes one topic further per park, then stays on the last', () => {
    const now = new Date('2026-01-05T09:00:00Z');
    expect(parkTier(policy, 0, now)).toEqual({ topic: 'importsRetry1', dueAt: new Date('2026-01-05T09:01:00Z') });
    expect(parkTier(policy, 1, now).topic).toBe('importsRetry2');
    expect(parkTier(policy, 2, now)).toEqual({ topic: 'importsRetry3', dueAt: new Date('2026-01-05T10:00:00Z') });
    expect(parkTier(policy, 9, now).topic).toBe('importsRetry3');
  });

  it('reads the park count and the redrive mark from the headers, whatever kafkajs hands over', () => {
    expect(parksOf({ headers: {} })).toBe(0);
    expect(parksOf({ headers: { 'wxa-parks': Buffer.from('2') } })).toBe(2);
    expect(parksOf({ headers: { 'wxa-parks': [Buffer.from('3')] } })).toBe(3);
    expect(parksOf({ headers: { 'wxa-parks': Buffer.from('-1') } })).toBe(0);
    expect(parksOf({ headers: { 'wxa-parks': Buffer.from('x') } })).toBe(0);
    expect(isRedriven({ headers: { 'wxa-redriven-from': Buffer.from('t:0:1') } })).toBe(true);
    expect(isRedriven({ headers: {} })).toBe(false);
  });

  it('handles the records that are due and says when the next one will be', () => {
    const ms = (t: number) => ({ timestamp: String(t) });
    expect(splitDue([ms(1000), ms(2000), ms(5000)], 1000, 3500)).toEqual({ due: [ms(1000), ms(2000)], nextDueAt: 6000 });
    expect(splitDue([ms(1000)], 1000, 2000)).toEqual({ due: [ms(1000)], nextDueAt: null });
    expect(splitDue([ms(5000)], 1000, 2000)).toEqual({ due: [], nextDueAt: 6000 });
  });
});
