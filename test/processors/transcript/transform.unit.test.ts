import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { toEmailPlans } from '../../../src/processors/convert/transform.js';
import { limitPlan } from '../../../src/processors/limit/transform.js';
import { dayRange, dueDay, isTranscriptPlan, previousDay, toTranscriptPlans } from '../../../src/processors/transcript/transform.js';
import type { AttachmentRef, EmailPlan, FileRef, RawMessage } from '../../../src/kafka/records.js';
import { encodedSize, encodedSizeParts, renderMimeToBuffer } from '../../../src/mail/render.js';
import { sampleRaw } from '../../support/samples.js';

const DAY = '2026-01-05';
const alice = { personId: 'p-alice', email: 'alice@example.com', displayName: 'Alice Ng' };
const bob = { personId: 'p-bob', email: 'bob@example.com', displayName: 'Bob Li' };
const carol = { personId: 'p-carol', email: 'carol@example.com', displayName: 'Carol Diaz' };
const file: FileRef = { contentId: 'c1', url: 'https://webexapis.com/v1/contents/c1', name: 'q1.pdf', contentType: 'application/pdf', size: 8, sha256: 'a'.repeat(64), container: 'attachments', blobName: 'a'.repeat(64), status: 'stored' };
const open = async (ref: AttachmentRef) => Readable.from([Buffer.alloc(ref.size, 0x25)]);

/** One message version as convert makes it: the plans under test are real convert output. */
function version(o: { id: string; room?: string; title?: string; event?: RawMessage['event']; created: string; at?: string; text: string; sender?: typeof alice; participants?: (typeof alice)[]; parent?: string; files?: FileRef[] }): EmailPlan {
  const base = sampleRaw();
  const room = o.room ?? 'ROOM-A';
  const raw: RawMessage = {
    ...base,
    event: o.event ?? 'created',
    versionAt: o.at ?? o.created,
    message: { ...base.message, id: o.id, roomId: room, parentId: o.parent ?? null, personId: (o.sender ?? alice).personId, personEmail: (o.sender ?? alice).email, text: o.text, html: `<p>${o.text}</p>`, created: o.created },
    room: { ...base.room, id: room, title: o.title ?? 'Rates chat' },
    sender: o.sender ?? alice,
    participants: o.participants ?? [alice, bob],
    files: o.files ?? [],
  };
  return toEmailPlans(raw, { orgDomains: ['example.com'] })[0]!;
}

const day = [
  version({ id: 'M2', created: '2026-01-05T10:00:00.000Z', text: 'second', sender: bob, parent: 'M1' }),
  version({ id: 'M1', created: '2026-01-05T09:00:00.000Z', text: 'first', files: [file] }),
  version({ id: 'M1', event: 'updated', created: '2026-01-05T09:00:00.000Z', at: '2026-01-05T09:30:00.000Z', text: 'first, edited', files: [file] }),
  version({ id: 'M0', created: '2026-01-05T10:00:00.000Z', text: 'same second as M2, smaller id' }),
  version({ id: 'M3', event: 'deleted', created: '2026-01-05T11:00:00.000Z', at: '2026-01-05T11:05:00.000Z', text: 'regrettable' }),
  version({ id: 'B1', room: 'ROOM-B', title: 'Desk', created: '2026-01-05T08:00:00.000Z', text: 'other room', participants: [alice, carol] }),
];
const otherDays = [
  version({ id: 'M9', created: '2026-01-04T23:59:59.999Z', text: 'yesterday' }),
  version({ id: 'M8', created: '2026-01-06T00:00:00.000Z', text: 'tomorrow' }),
];

const roomA = (plans: EmailPlan[]) => plans.find((p) => p.roomId === 'ROOM-A')!;

describe('toTranscriptPlans', () => {
  it('one transcript per room with that day\'s versions only, in created order, ties by id, edits next to their original', () => {
    const out = toTranscriptPlans([...otherDays, ...day], DAY);
    expect(out.map((p) => p.roomId)).toEqual(['ROOM-A', 'ROOM-B']);
    const text = roomA(out).text;
    const order = ['first', 'first, edited', 'same second as M2', 'second', 'regrettable'].map((t) => text.indexOf(`\n${t}`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('yesterday');
    expect(text).not.toContain('tomorrow');
    expect(text).not.toContain('other room');
    expect(text.split('\n')[0]).toBe('Webex transcript of Rates chat, 2026-01-05 (UTC)');
    expect(roomA(out).headers).toContainEqual({ name: 'X-Webex-Transcript-Items', value: '5' });
    expect(out.every(isTranscriptPlan)).toBe(true);
  });

  it('marks edits, deletions and thread replies, and lists and attaches files once', () => {
    const t = roomA(toTranscriptPlans(day, DAY));
    expect(t.text).toContain('[09:30:00 UTC] Alice Ng <alice@example.com> (edited; message of 09:00:00 UTC)\nfirst, edited');
    expect(t.text).toContain('[11:05:00 UTC] Alice Ng <alice@example.com> (deleted; message of 11:00:00 UTC)\nregrettable');
    expect(t.text).toContain('[10:00:00 UTC] Bob Li <bob@example.com> (reply in thread to Alice Ng, 09:00:00 UTC)\nsecond');
    // convert's lead line ("This message was edited at ...") is not repeated under the heading.
    expect(t.text).not.toContain('This message was');
    expect(t.html).toContain('(edited; message of 09:00:00 UTC)');
    expect(t.text.match(/Attachment: q1\.pdf \(application\/pdf, 8 bytes\)/g)).toHaveLength(2);
    expect(t.attachments).toEqual([{ name: 'q1.pdf', contentType: 'application/pdf', size: 8, sha256: 'a'.repeat(64), container: 'attachments', blobName: 'a'.repeat(64), status: 'stored' }]);
  });

  it('participants are the union of the day\'s; To is everyone but the first sender', () => {
    const withCarol = [...day, version({ id: 'M4', created: '2026-01-05T12:00:00.000Z', text: 'carol joined', sender: carol, participants: [alice, bob, carol] })];
    const t = roomA(toTranscriptPlans(withCarol, DAY));
    expect(t.participants.map((p) => p.email)).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com']);
    expect(t.from.address).toBe('alice@example.com');
    expect(t.to.map((a) => a.address)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(t.date).toBe('2026-01-05T12:00:00.000Z');
  });

  it('is deterministic: any read order, repeats and transcripts read back give the same plans and bytes', async () => {
    const first = toTranscriptPlans(day, DAY);
    const shuffled = [...day].reverse();
    const again = toTranscriptPlans([...shuffled, day[1]!, ...first, ...otherDays], DAY);
    expect(again).toEqual(first);
    expect((await renderMimeToBuffer(again[0]!, open)).equals(await renderMimeToBuffer(first[0]!, open))).toBe(true);
  });

  it('a late version makes a new transcript version (new item id and Message-ID); the other room is unchanged', () => {
    const before = toTranscriptPlans(day, DAY);
    const after = toTranscriptPlans([...day, version({ id: 'M5', created: '2026-01-05T23:00:00.000Z', text: 'found by the crawl' })], DAY);
    expect(roomA(after).messageId).not.toBe(roomA(before).messageId);
    expect(roomA(after).itemId).not.toBe(roomA(before).itemId);
    expect(roomA(after).messageId.slice(0, 40)).toBe(roomA(before).messageId.slice(0, 40));
    expect(after[1]).toEqual(before[1]);
  });

  it('a title that tries to inject headers stays one Subject line; the result parses', async () => {
    const evil = version({ id: 'E1', room: 'ROOM-E', title: 'Desk\r\nBcc: leak@evil.test\r\nX-Injected: 1', created: '2026-01-05T09:00:00.000Z', text: 'x' });
    const [t] = toTranscriptPlans([evil], DAY);
    const eml = await renderMimeToBuffer(t!, open);
    expect(encodedSize(t!)).toBe(eml.length);
    const head = eml.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^(Bcc|X-Injected):/im);
    const parsed = await simpleParser(eml);
    expect(parsed.subject).toBe('Webex: Desk Bcc: leak@evil.test X-Injected: 1 (transcript 2026-01-05)');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.messageId).toBe(t!.messageId);
    expect(parsed.headers.get('x-webex-event')).toBe('transcript');
  });

  it('names both people of a 1:1 chat', () => {
    const direct = version({ id: 'D1', room: 'ROOM-D', created: '2026-01-05T09:00:00.000Z', text: 'hi' });
    // The room type is read from the plan's conversation fields, not from its rendered headers.
    const plan = { ...direct, conversation: { ...direct.conversation!, roomType: 'direct' as const, roomTitle: null } };
    expect(toTranscriptPlans([plan], DAY)[0]!.subject).toBe('Webex: chat between Alice Ng and Bob Li (transcript 2026-01-05)');
  });

  it('a day with nothing in it has no transcripts; a bad day is BAD_INPUT', () => {
    expect(toTranscriptPlans(otherDays, DAY)).toEqual([]);
    expect(() => toTranscriptPlans(day, '2026-02-30')).toThrow(/not a day/);
    expect(dayRange(DAY)).toEqual({ start: Date.parse('2026-01-05T00:00:00Z'), end: Date.parse('2026-01-06T00:00:00Z') });
    expect(previousDay(new Date('2026-01-06T00:30:00Z'))).toBe(DAY);
  });

  it('the scheduler builds the day of the latest run at or before now: yesterday after the run time, else the day before', () => {
    expect(dueDay(new Date('2026-01-06T03:00:00Z'), '03:00')).toBe(DAY);
    expect(dueDay(new Date('2026-01-06T23:59:00Z'), '03:00')).toBe(DAY);
    expect(dueDay(new Date('2026-01-06T02:59:00Z'), '03:00')).toBe('2026-01-04');
    expect(dueDay(new Date('2026-01-01T01:00:00Z'), '03:00')).toBe('2025-12-30');
  });
});

describe('toTranscriptPlans with a size limit', () => {
  const big: FileRef = { ...file, name: 'big.bin', size: 9000, sha256: 'b'.repeat(64), blobName: 'b'.repeat(64) };
  const busy = [
    ...day,
    ...Array.from({ length: 12 }, (_, i) => version({ id: `N${String(i).padStart(2, '0')}`, created: `2026-01-05T13:${String(i).padStart(2, '0')}:00.000Z`, text: `chatter ${i} `.repeat(40) })),
    version({ id: 'N99', created: '2026-01-05T14:00:00.000Z', text: 'the big file', files: [big] }),
  ];
  const max = 8000;

  it('one plan while the room-day fits; parts that each fit (in order, every version once) when it does not', async () => {
    const roomOnly = busy.filter((p) => p.roomId === 'ROOM-A');
    expect(toTranscriptPlans(roomOnly, DAY, { maxItemBytes: 100 * 1024 * 1024 })).toEqual(toTranscriptPlans(roomOnly, DAY));
    const parts = toTranscriptPlans(roomOnly, DAY, { maxItemBytes: max });
    expect(parts.length).toBeGreaterThan(2);
    const items = parts.map((p) => Number(p.headers.find((h) => h.name === 'X-Webex-Transcript-Items')!.value));
    expect(items.reduce((a, b) => a + b, 0)).toBe(roomOnly.length);
    parts.forEach((p, i) => {
      expect(p.subject).toBe(`Webex: Rates chat (transcript ${DAY}, part ${i + 1})`);
      expect(p.headers).toContainEqual({ name: 'X-Webex-Transcript-Part', value: String(i + 1) });
      // Only the part holding the big file alone may exceed the limit; limit strips it like the message's own email.
      if (p.attachments.some((a) => a.name === 'big.bin')) expect(items[i]).toBe(1);
      else expect(encodedSize(p)).toBeLessThanOrEqual(max);
    });
    expect(new Set(parts.map((p) => p.messageId)).size).toBe(parts.length);
    const text = parts.map((p) => p.text).join('\n');
    expect(text.indexOf('\nfirst\n')).toBeLessThan(text.indexOf('chatter 0'));
    expect(text.indexOf('chatter 11')).toBeLessThan(text.indexOf('the big file'));
    expect(toTranscriptPlans([...roomOnly].reverse(), DAY, { maxItemBytes: max })).toEqual(parts);
    const eml = await renderMimeToBuffer(parts[1]!, open);
    expect((await simpleParser(eml)).subject).toBe(parts[1]!.subject);
  });
});

describe('limit in transcript mode', () => {
  const policy = { maxItemBytes: 10 * 1024 * 1024, oversizePolicy: 'reject' as const };
  it('filters message versions out and passes transcripts', () => {
    const [transcript] = toTranscriptPlans(day, DAY);
    expect(limitPlan(day[0]!, { ...policy, transcriptMode: true }, encodedSizeParts, new Date())).toEqual([]);
    expect(limitPlan(transcript!, { ...policy, transcriptMode: true }, encodedSizeParts, new Date()).map((o) => o.topic)).toEqual(['limited']);
    expect(limitPlan(day[0]!, policy, encodedSizeParts, new Date()).map((o) => o.topic)).toEqual(['limited']);
  });
});
