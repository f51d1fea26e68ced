import { describe, expect, it } from 'vitest';
import { unstructuredTokens } from '../../src/mail/header-encoding.js';

describe('unstructured header values', () => {
  it('a Webex id (a long unbroken ASCII word) stays plain, so X-Webex-* headers can be searched as they are', () => {
    const id = 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvZmM1MmE4ZjItZmM0Ny01OGU5LWFiYjctY2IzZWVlOGViMWQ5';
    expect(unstructuredTokens(id)).toEqual([id]);
  });

  it('a word too long to fold within 998 octets becomes encoded-words of at most 75 characters', () => {
    const tokens = unstructuredTokens('x'.repeat(2000));
    expect(tokens.length).toBeGreaterThan(20);
    for (const t of tokens) expect(t).toMatch(/^=\?UTF-8\?[BQ]\?[^?]*\?=$/);
    for (const t of tokens) expect(t.length).toBeLessThanOrEqual(75);
  });
});
