import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import type { CaptureDeps } from '../../src/capture/capture-message.js';
import { captureMeetingMessage, TRANSCRIPT_BODY_MAX_BYTES, transcriptBodyText, UNKNOWN_EMAIL } from '../../src/capture/meeting-item.js';
import { ArchiverError } from '../../src/errors.js';

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

describe('a meeting message whose meeting names nobody with an email', () => {
  it('is still archived, from an address in the reserved .invalid domain, so route counts it unmapped instead of it vanishing', async () => {
    const reader = {
      meetings: {
        getMeeting: async () => { throw new ArchiverError('NOT_FOUND', 'no such meeting'); },
        listMeetingParticipants: async () => [{ id: 'p1', displayName: 'Dial-in caller' }],
        listMeetingTranscripts: async () => [],
        openTranscript: async () => Readable.from([]),
      },
    };
    const warnings: string[] = [];
    const deps = {
      reader, rooms: { person: async () => undefined }, attachmentsContainer: 'att',
      logger: { warn: (_o: unknown, msg: string) => warnings.push(msg) }, now: () => new Date('2026-03-02T10:00:00Z'),
    } as unknown as CaptureDeps;
    const raw = await captureMeetingMessage(deps, { data: { id: 'mm1', meetingId: 'meet1', text: 'hello', created: '2026-03-02T09:59:00Z' }, event: 'created', at: '2026-03-02T09:59:00Z', actorId: null, source: 'crawler' });
    expect(raw?.kind).toBe('meeting-message');
    expect(raw?.sender.email).toBe(UNKNOWN_EMAIL);
    expect(raw?.participants.map((p) => p.email)).toEqual([UNKNOWN_EMAIL]);
    expect(raw?.message.text).toBe('hello');
    expect(warnings).toHaveLength(1);
  });
});
