import { createHash } from 'node:crypto';
import type { FileRef, RawMessage } from '../../src/kafka/records.js';
import { sampleRaw } from '../support/samples.js';

/** Representative raw records for golden MIME files. Attachment bytes are derived from the name. */
export function fileBytes(name: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  const seed = createHash('sha256').update(name).digest();
  for (let i = 0; i < size; i++) out[i] = seed[i % 32]! ^ (i & 0xff);
  return out;
}

function file(name: string, contentType: string, size: number, status: FileRef['status'] = 'stored'): FileRef {
  const bytes = fileBytes(name, size);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { contentId: `c-${name}`, url: `https://webexapis.com/v1/contents/c-${encodeURIComponent(name)}`, name, contentType, size, sha256, container: 'attachments', blobName: sha256, status };
}

const alice = { personId: 'p-alice', email: 'alice@example.com', displayName: 'Alice Ng' };
const bob = { personId: 'p-bob', email: 'bob@example.com', displayName: 'Bob Li' };
const zoe = { personId: 'p-zoe', email: 'zoe@partner.org', displayName: 'Zoë Ünal 😀' };

export const CASES: Record<string, RawMessage> = {
  direct: sampleRaw({
    message: { ...sampleRaw().message, id: 'M-direct', roomId: 'R-direct', roomType: 'direct', text: 'Can you send the curve?', html: null },
    room: { id: 'R-direct', title: 'Empty Title', type: 'direct', teamId: null, teamName: null, created: '2026-01-05T08:00:00.000Z' },
  }),
  group: sampleRaw({ participants: [alice, bob, zoe] }),
  team: sampleRaw({
    message: { ...sampleRaw().message, id: 'M-team', roomId: 'R-team' },
    room: { id: 'R-team', title: 'Rates chat', type: 'group', teamId: 'T-desk', teamName: 'Rates Desk', created: '2026-01-05T08:00:00.000Z' },
  }),
  'thread-reply': sampleRaw({ message: { ...sampleRaw().message, id: 'M-reply', parentId: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbTE', text: 'agreed', html: '<p>agreed</p>' } }),
  edit: sampleRaw({ event: 'updated', versionAt: '2026-01-05T09:02:00.000Z', message: { ...sampleRaw().message, text: 'hello all', html: '<p>hello <strong>all</strong></p>', updated: '2026-01-05T09:02:00.000Z' } }),
  deletion: sampleRaw({ event: 'deleted', versionAt: '2026-01-05T09:05:00.000Z' }),
  attachments: sampleRaw({
    message: { ...sampleRaw().message, id: 'M-files', text: 'files attached', html: null },
    files: [file('Übersicht Q1 — 2026 📈.pdf', 'application/pdf', 3000), file('données.csv', 'text/csv', 200), file('empty.bin', 'application/octet-stream', 0), file('virus.exe', 'application/octet-stream', 0, 'infected')],
  }),
  'hostile-input': sampleRaw({
    message: { ...sampleRaw().message, id: 'M-hostile', text: 'see <script>alert(1)</script>', html: '<p onclick="x()">hi <a href="javascript:alert(1)">x</a> <a href="https://example.com/a?b=1">ok</a></p><script>alert(2)</script>' },
    room: { id: 'R-hostile', title: 'Deals\r\nBcc: attacker@evil.example\r\n\r\n<html>', type: 'group', teamId: null, teamName: null, created: '2026-01-05T08:00:00.000Z' },
    sender: { ...alice, displayName: 'Alice\r\nBcc: attacker@evil.example' },
    participants: [{ ...alice, displayName: 'Alice\r\nBcc: attacker@evil.example' }, bob],
    files: [file('evil"\r\nContent-Type: text/html.txt', 'text/plain\r\nX-Injected: 1', 10)],
  }),
};
