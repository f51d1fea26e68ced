import { describe, expect, it } from 'vitest';
import { editDistance, nearestKey } from '../../src/config/nearest-key.js';

describe('nearestKey', () => {
  it('measures Levenshtein distance', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('TOKNE', 'TOKEN')).toBe(2);
  });

  it('answers the closest known key, ties by name', () => {
    const known = ['WXA_SINK', 'WXA_IMAP_HOST', 'WXA_IMAP_PORT'];
    expect(nearestKey('WXA_SINKS', known)).toBe('WXA_SINK');
    expect(nearestKey('WXA_IMAP_POST', known)).toBe('WXA_IMAP_HOST');
    expect(nearestKey('WXA_X', [])).toBeUndefined();
  });
});
