import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FileRef, RawMessage } from '../../src/kafka/records.js';
import { assembleSlice } from '../../src/rsmf/assemble.js';
import { toConversationDays, uniqueVersions } from '../../src/rsmf/conversation.js';
import { rsmfManifestErrors } from '../../src/rsmf/schema.js';
import { planSlices } from '../../src/rsmf/slices.js';
import { rsmfFileProblems } from '../support/rsmf-check.js';
import { sampleRaw } from '../support/samples.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/rsmf/${name}`, import.meta.url));
const ROOM = 'Y2lzY29zcGFyazovL3VzL1JPT00vcjE';
const bob = { personId: 'p-bob', email: 'bob@example.com', displayName: 'Bob Li' };
const fileBytes = Buffer.from('%PDF-1.4 quarterly numbers');
const file: FileRef = {
  contentId: 'c1', url: 'https://example.invalid/c1', name: 'q1.pdf', contentType: 'application/pdf', size: fileBytes.length,
  sha256: 'ab'.repeat(32), container: 'attachments', blobName: 'ab'.repeat(32), status: 'stored',
};

function version(id: string, event: RawMessage['event'], at: string, over: Partial<RawMessage['message']> = {}, rest: Partial<RawMessage> = {}): RawMessage {
  const base = sampleRaw();
  return sampleRaw({
    event, versionAt: at, capturedAt: at,
    message: { ...base.message, id, created: over.created ?? at, ...over },
    ...rest,
  });
}

/** A day in a group space: a post with a file, a thread reply, an edit, a deletion, and the crawler's copies of two versions. */
function day(): RawMessage[] {
  return [
    version('m1', 'created', '2026-01-05T09:01:00.000Z', { text: 'hello' }, { files: [file] }),
    version('m2', 'created', '2026-01-05T09:05:00.000Z', { text: 'hi Alice', parentId: 'm1', personId: 'p-bob', personEmail: 'bob@example.com' }, { sender: bob }),
    version('m1', 'updated', '2026-01-05T09:10:00.000Z', { text: 'hello all', created: '2026-01-05T09:01:00.000Z' }, { files: [file] }),
    version('m2', 'deleted', '2026-01-05T10:00:00.000Z', { text: null, parentId: 'm1', created: '2026-01-05T09:05:00.000Z', personId: 'p-bob' }, { sender: bob }),
    version('m1', 'created', '2026-01-05T09:01:00.000Z', { text: 'hello' }, { files: [file], source: 'crawler', capturedAt: '2026-01-06T02:00:00.000Z' }),
    version('m2', 'deleted', '2026-01-05T10:00:00.000Z', { text: null, parentId: 'm1', created: '2026-01-05T09:05:00.000Z', personId: 'p-bob' }, { sender: bob, source: 'crawler', capturedAt: '2026-01-06T02:00:01.000Z' }),
  ];
}

const limits = { maxEvents: 10_000, maxBytes: 200 * 1024 * 1024 };

describe('RSMF builder', () => {
  it('keeps one record per message version, whichever copies arrive', () => {
    expect(uniqueVersions(day())).toHaveLength(4);
  });

  it('turns a conversation-day into one schema-valid slice with edits, deletion, thread and attachment', async () => {
    const [conv] = toConversationDays(day(), ['2026-01-05']);
    const [slice, ...more] = planSlices(conv!, limits);
    expect(more).toHaveLength(0);
    const m = slice!.built.manifest;
    expect(rsmfManifestErrors(m)).toEqual([]);
    expect(slice!.built.versions).toBe(4);
    expect(m.conversations[0]).toMatchObject({ id: ROOM, platform: 'webex', type: 'channel', display: 'Rates chat' });
    expect(m.participants.map((p) => [p.id, p.email])).toEqual([['p-alice', 'alice@example.com'], ['p-bob', 'bob@example.com']]);
    const [e1, e2] = m.events;
    expect(e1).toMatchObject({ id: 'm1', participant: 'p-alice', body: 'hello all', timestamp: '2026-01-05T09:01:00.000Z', attachments: [{ id: 'q1.pdf', display: 'q1.pdf', size: fileBytes.length }] });
    expect(e1!.edits).toEqual([{ participant: 'p-alice', timestamp: '2026-01-05T09:10:00.000Z', previous: 'hello', new: 'hello all' }]);
    // The deletion keeps the text it removed, and the reply points at its parent.
    expect(e2).toMatchObject({ id: 'm2', participant: 'p-bob', parent: 'm1', deleted: true, body: 'hi Alice' });

    const bytes = assembleSlice(slice!, [fileBytes]);
    const check = await rsmfFileProblems(bytes);
    expect(check.problems).toEqual([]);
    expect(check.zip.get('q1.pdf')).toEqual(fileBytes);
    const text = bytes.toString('utf8');
    expect(text.startsWith('X-RSMF-Version: 2.0.0\r\n')).toBe(true);
    expect(text).toMatch(/\r\nX-RSMF-EventCount: 2\r\n/);
    expect(text).toMatch(/\r\nX-RSMF-AttachmentCount: 1\r\n/);
    expect(text).toContain(`X-RSMF-EventCollectionID: ${m.eventcollectionid}`);
    expect(text).toMatch(/X-RSMF-BeginDate: 2026-01-05T09:01:00.000Z\r\nX-RSMF-EndDate: 2026-01-05T10:00:00.000Z/);
  });

  it('writes a readable transcript into the body', async () => {
    const [conv] = toConversationDays(day(), ['2026-01-05']);
    const [slice] = planSlices(conv!, limits);
    expect(slice!.body).toContain('[09:01:00] Alice Ng <alice@example.com>:');
    expect(slice!.body).toContain('(edited at 09:10:00; before: hello)');
    expect(slice!.body).toContain('[attachment: q1.pdf, 26 bytes]');
    expect(slice!.body).toContain('(reply to Alice Ng <alice@example.com> at 09:01:00)');
    expect(slice!.body).toContain('(deleted at 10:00:00)');
  });

  it('gives the same bytes whatever order the records were read in', () => {
    const render = (records: RawMessage[]) => {
      const [conv] = toConversationDays(records, ['2026-01-05']);
      return assembleSlice(planSlices(conv!, limits)[0]!, [fileBytes]);
    };
    expect(render([...day()].reverse()).equals(render(day()))).toBe(true);
  });

  it('puts an edit made the next day in that day\'s file, and a reply to an earlier day\'s message keeps its parent as a custom property', () => {
    const records = [
      ...day(),
      version('m1', 'updated', '2026-01-06T08:00:00.000Z', { text: 'hello everyone', created: '2026-01-05T09:01:00.000Z' }),
      version('m3', 'created', '2026-01-06T08:05:00.000Z', { text: 'late reply', parentId: 'm2' }),
      version('m4', 'created', '2026-01-06T08:06:00.000Z', { text: 'on the edited one', parentId: 'm1' }),
    ];
    const convs = toConversationDays(records, ['2026-01-05', '2026-01-06']);
    expect(convs.map((c) => c.day)).toEqual(['2026-01-05', '2026-01-06']);
    const next = planSlices(convs[1]!, limits)[0]!.built.manifest;
    expect(rsmfManifestErrors(next)).toEqual([]);
    expect(next.events[0]).toMatchObject({ id: 'm1', timestamp: '2026-01-05T09:01:00.000Z', body: 'hello everyone', edits: [{ new: 'hello everyone' }] });
    expect(next.events[0]!.edits![0]!.previous).toBeUndefined();
    expect(next.events[1]!.parent).toBeUndefined();
    expect(next.events[1]!.custom).toContainEqual({ name: 'Thread parent outside this slice', value: 'm2' });
    // m1 is in this day's file through its edit, so a reply to it is threaded.
    expect(next.events[2]!.parent).toBe('m1');
  });

  it('writes joins and leaves from the membership timeline as join and leave events, each once', async () => {
    const carol = { personId: 'p-carol', email: 'carol@example.com', displayName: 'Carol Diaz' };
    const membership = (type: 'joined' | 'left', at: string, source: RawMessage['source']): RawMessage => ({
      ...version('mem-carol', type === 'joined' ? 'created' : 'deleted', at, { text: `Carol Diaz <carol@example.com> ${type} the space (by Alice Ng <alice@example.com>).`, created: '2026-01-05T09:03:00.000Z' }, { source, sender: carol }),
      kind: 'membership',
      change: { type, id: 'mem-carol', since: '2026-01-05T09:03:00.000Z', at, person: carol, actor: sampleRaw().sender },
    });
    // The webhook and the crawler see the leave at slightly different times: still one leave.
    const records = [...day(), membership('joined', '2026-01-05T09:03:00.000Z', 'webhook'), membership('left', '2026-01-05T09:30:00.000Z', 'webhook'), membership('left', '2026-01-05T09:30:01.000Z', 'crawler')];
    const [slice] = planSlices(toConversationDays(records, ['2026-01-05'])[0]!, limits);
    const m = slice!.built.manifest;
    expect(m.events.map((e) => [e.type, e.id])).toEqual([['message', 'm1'], ['join', 'membership:mem-carol:joined'], ['message', 'm2'], ['leave', 'membership:mem-carol:left']]);
    expect(m.events[1]).toMatchObject({ participant: 'p-carol', timestamp: '2026-01-05T09:03:00.000Z', custom: [{ name: 'Webex membership id', value: 'mem-carol' }, { name: 'Added by', value: 'Alice Ng <alice@example.com>' }] });
    expect(m.participants.map((p) => p.id)).toContain('p-carol');
    expect(slice!.built.versions).toBe(6);
    expect((await rsmfFileProblems(assembleSlice(slice!, [fileBytes]))).problems).toEqual([]);
    expect(slice!.body).toContain('[09:03:00] Carol Diaz <carol@example.com> joined the space (by Alice Ng <alice@example.com>).');
  });

  it('names a 1:1 chat direct and gives two different files with one name distinct zip names', () => {
    const other = { ...file, sha256: 'cd'.repeat(32), blobName: 'cd'.repeat(32), size: 3 };
    const direct = { ...sampleRaw().room, type: 'direct', title: 'Bob Li' };
    const records = [
      version('d1', 'created', '2026-01-05T09:01:00.000Z', { roomType: 'direct' }, { room: direct, files: [file] }),
      version('d2', 'created', '2026-01-05T09:02:00.000Z', { roomType: 'direct' }, { room: direct, files: [other] }),
    ];
    const [slice] = planSlices(toConversationDays(records, ['2026-01-05'])[0]!, limits);
    expect(slice!.built.manifest.conversations[0]!.type).toBe('direct');
    expect(slice!.built.files.map((f) => f.zipName)).toEqual(['q1.pdf', 'q1 (2).pdf']);
    expect(slice!.built.manifest.events[1]!.attachments).toEqual([{ id: 'q1 (2).pdf', display: 'q1.pdf', size: 3 }]);
  });
});

describe('RSMF validation can fail', () => {
  it("rejects Relativity's deliberately invalid manifests with the same validator", () => {
    expect(rsmfManifestErrors(JSON.parse(fixture('invalid-Sample1-rsmf_manifest.json').toString()))).toContain("/participants/0 must have required property 'id'");
    expect(rsmfManifestErrors(JSON.parse(fixture('invalid-Sample4-rsmf_manifest.json').toString()))).toContain('/participants/0/id must be string');
  });

  it('rejects the sample .rsmf that carries an attachment besides rsmf.zip', async () => {
    const { problems } = await rsmfFileProblems(fixture('invalid-sample-extra-attachment.rsmf'));
    expect(problems.some((p) => /2 attachments .*exactly one, rsmf\.zip/.test(p))).toBe(true);
  });

  it('rejects a manifest whose email or timestamp is malformed', () => {
    const [conv] = toConversationDays(day(), ['2026-01-05']);
    const m = structuredClone(planSlices(conv!, limits)[0]!.built.manifest);
    (m.participants[0] as { email?: string }).email = 'not an address';
    m.events[0]!.timestamp = 'yesterday';
    expect(rsmfManifestErrors(m)).toEqual(['/participants/0/email must match format "idn-email"', '/events/0/timestamp must match format "date-time"']);
  });
});
