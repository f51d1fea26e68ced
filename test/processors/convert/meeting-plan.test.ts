import { describe, expect, it } from 'vitest';
import type { RawMessage } from '../../../src/kafka/records.js';
import { meetingMessageId, meetingThreadRoot } from '../../../src/mail/message-id.js';
import { toEmailPlans } from '../../../src/processors/convert/transform.js';

const ana = { personId: 'P-ana', email: 'ana@example.com', displayName: 'Ana Diaz' };
const bo = { personId: 'P-bo', email: 'bo@example.com', displayName: 'Bo Lee' };
const cy = { personId: 'P-cy', email: 'cy@example.com', displayName: 'Cy Park' };
const ctx = { orgDomains: ['example.com'] };

function chat(over: Partial<RawMessage> & { directed?: boolean } = {}): RawMessage {
  const { directed = false, ...rest } = over;
  return {
    source: 'crawler', event: 'created', versionAt: '2026-01-05T10:05:00.000Z', capturedAt: '2026-01-06T00:00:00.000Z', kind: 'meeting-message',
    message: { id: 'MM-1', roomId: 'MTG-1', roomType: 'meeting', parentId: null, personId: bo.personId, personEmail: bo.email, text: 'rates <up>', markdown: null, html: null, created: '2026-01-05T10:05:00.000Z', updated: null, mentionedPeople: [], isVoiceClip: false, cards: [] },
    files: [],
    room: { id: 'MTG-1', title: 'Rates review', type: 'meeting', teamId: null, teamName: null, created: '2026-01-05T10:00:00.000Z' },
    sender: bo,
    participants: directed ? [ana, bo] : [ana, bo, cy],
    participantsSource: null,
    meeting: { meetingId: 'MTG-1', title: 'Rates review', start: '2026-01-05T10:00:00.000Z', end: '2026-01-05T11:00:00.000Z', host: ana, directed },
    ...rest,
  };
}

describe('meeting chat as email plans', () => {
  it('a message: its own ids, threaded under the meeting root, from the sender to the others there', () => {
    const [p] = toEmailPlans(chat(), ctx);
    expect(p!.itemId).toBe('meeting-message:MM-1:created');
    expect(p!.messageId).toBe(meetingMessageId('MM-1', 'created'));
    expect(p!.messageId).toMatch(/^<wx-mm-[0-9a-f]{32}@webex-archiver\.invalid>$/);
    expect([p!.inReplyTo, p!.references]).toEqual([meetingThreadRoot('MTG-1'), [meetingThreadRoot('MTG-1')]]);
    expect(p!.roomId).toBe('MTG-1');
    expect(p!.subject).toBe('[meeting chat] Webex meeting: Rates review');
    expect(p!.to.map((a) => a.address)).toEqual(['ana@example.com', 'cy@example.com']);
    expect(p!.text).toBe('rates <up>');
    expect(p!.html).toContain('rates &lt;up&gt;');
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Item-Kind', value: 'meeting-message' });
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Meeting-Id', value: 'MTG-1' });
  });

  it('the same version from another capture or time has the same ids; a deletion has its own, and references the message', () => {
    const [a] = toEmailPlans(chat({ event: 'deleted', versionAt: '2026-01-05T10:09:00.000Z' }), ctx);
    const [b] = toEmailPlans(chat({ event: 'deleted', versionAt: '2026-01-05T10:09:02.000Z', source: 'test' }), ctx);
    expect([a!.itemId, a!.messageId]).toEqual([b!.itemId, b!.messageId]);
    expect(a!.itemId).toBe('meeting-message:MM-1:deleted');
    expect(a!.inReplyTo).toBe(meetingMessageId('MM-1', 'created'));
    expect(a!.references).toEqual([meetingThreadRoot('MTG-1'), meetingMessageId('MM-1', 'created')]);
    expect(a!.subject).toBe('[deleted] [meeting chat] Webex meeting: Rates review');
    expect(a!.text).toBe('This meeting chat message was deleted at 2026-01-05T10:09:00.000Z. Its last known text follows.\n\nrates <up>');
  });

  it('an edit (meetingMessages/updated) is a version of its own, named by its time, referencing the message', () => {
    const raw = chat({ event: 'updated', versionAt: '2026-01-05T10:07:00.000Z' });
    raw.message.updated = '2026-01-05T10:07:00.000Z';
    const [p] = toEmailPlans(raw, ctx);
    expect(p!.itemId).toBe(`meeting-message:MM-1:updated:${Date.parse('2026-01-05T10:07:00.000Z')}`);
    expect(p!.messageId).toBe(meetingMessageId('MM-1', 'updated', '2026-01-05T10:07:00.000Z'));
    expect(p!.messageId).toMatch(/^<wx-mm-[0-9a-f]{32}-u\d+@webex-archiver\.invalid>$/);
    expect(p!.inReplyTo).toBe(meetingMessageId('MM-1', 'created'));
    expect(p!.subject).toBe('[edited] [meeting chat] Webex meeting: Rates review');
    expect(p!.text).toBe('This meeting chat message was edited at 2026-01-05T10:07:00.000Z; this is the text after the edit.\n\nrates <up>');
  });

  it('a directed message says so and goes to its recipients only', () => {
    const [p] = toEmailPlans(chat({ directed: true }), ctx);
    expect(p!.to.map((a) => a.address)).toEqual(['ana@example.com']);
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Directed', value: 'true' });
    expect(p!.text).toBe('Sent privately by Bo Lee <bo@example.com> to Ana Diaz <ana@example.com>.\n\nrates <up>');
  });

  it('a transcript: one item from the host, its text in a <pre>, its files attached', () => {
    const file = { contentId: 'transcript-vtt', url: 'meetingTranscripts:T-1/vtt', name: 'meeting-transcript-2026-01-05T10-00-00-000Z.vtt', contentType: 'text/vtt', size: 10, sha256: 'ab', container: 'attachments', blobName: 'ab', status: 'stored' as const };
    const raw = chat({ kind: 'meeting-transcript', sender: ana, message: { ...chat().message, id: 'T-1', personId: ana.personId, personEmail: ana.email, text: 'Ana 00:00:01\n<hi>' }, files: [file] });
    const [p] = toEmailPlans(raw, ctx);
    expect(p!.itemId).toBe('meeting-transcript:T-1');
    expect(p!.messageId).toMatch(/^<wx-mtr-[0-9a-f]{32}@webex-archiver\.invalid>$/);
    expect(p!.references).toEqual([meetingThreadRoot('MTG-1')]);
    expect(p!.subject).toBe('[meeting transcript] Webex meeting: Rates review');
    expect(p!.from.address).toBe('ana@example.com');
    expect(p!.text).toBe(`Transcript of the Webex meeting "Rates review" (2026-01-05T10:00:00.000Z to 2026-01-05T11:00:00.000Z), hosted by Ana Diaz <ana@example.com>. The original files are attached: ${file.name}.\n\nAna 00:00:01\n<hi>`);
    expect(p!.html).toContain('<pre>Ana 00:00:01\n&lt;hi&gt;</pre>');
    expect(p!.attachments.map((a) => a.name)).toEqual([file.name]);
  });

  it('a transcript whose body was cut at capture says so and names the whole file', () => {
    const txt = { contentId: 'transcript-txt', url: 'meetingTranscripts:T-1/txt', name: 'meeting-transcript-x.txt', contentType: 'text/plain', size: 5000, sha256: 'cd', container: 'attachments', blobName: 'cd', status: 'stored' as const };
    const raw = chat({ kind: 'meeting-transcript', sender: ana, message: { ...chat().message, id: 'T-1', text: 'Ana 00:00:01\nhi\n' }, files: [txt] });
    expect(toEmailPlans(raw, ctx)[0]!.text).toContain("The text below is the first 16 bytes of the transcript's 5000; the attached meeting-transcript-x.txt holds all of it.");
    const whole = chat({ kind: 'meeting-transcript', sender: ana, message: { ...chat().message, id: 'T-1', text: 'Ana 00:00:01\nhi\n' }, files: [{ ...txt, size: 16 }] });
    expect(toEmailPlans(whole, ctx)[0]!.text).not.toContain('The text below is the first');
  });

  it('a record without its meeting is refused as BAD_RECORD', () => {
    expect(() => toEmailPlans(chat({ meeting: null }), ctx)).toThrow(/lacks its meeting/);
  });
});
