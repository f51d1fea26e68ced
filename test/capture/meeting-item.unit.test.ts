import { describe, expect, it } from 'vitest';
import { TRANSCRIPT_BODY_MAX_BYTES, transcriptBodyText } from '../../src/capture/meeting-item.js';

describe('a transcript body', () => {
  it('is the whole txt up to the cap', () => {
    const txt = Buffer.from('Ana 00:00:01\nhéllo\n', 'utf8');
    expect(transcriptBodyText(txt)).toBe('Ana 00:00:01\nhéllo\n');
  });

  it('past the cap, ends at the last whole line before it', () => {
    const line = 'Bo 00:00:02\nnumbers are final é\n';
    const txt = Buffer.from(line.repeat(Math.ceil((TRANSCRIPT_BODY_MAX_BYTES * 1.5) / Buffer.byteLength(line))), 'utf8');
    const body = transcriptBodyText(txt);
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(TRANSCRIPT_BODY_MAX_BYTES);
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(TRANSCRIPT_BODY_MAX_BYTES - Buffer.byteLength(line));
    expect(body.endsWith('é\n')).toBe(true);
    expect(txt.toString('utf8').startsWith(body)).toBe(true);
  });
});
