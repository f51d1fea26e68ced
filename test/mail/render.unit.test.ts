import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { toEmailPlans } from '../../src/processors/convert/transform.js';
import type { AttachmentRef, EmailPlan } from '../../src/kafka/records.js';
import { encodedSize, renderMime, renderMimeToBuffer } from '../../src/mail/render.js';
import { CASES, fileBytes } from './cases.js';

const GOLDEN_DIR = new URL('../fixtures/mail/', import.meta.url);
const open = async (ref: AttachmentRef) => Readable.from([fileBytes(ref.name, ref.size)]);
const planOf = (name: string) => toEmailPlans(CASES[name]!, { orgDomains: ['example.com'] })[0]!;

/** Python's email package in strict mode: raises on any defect; prints what it parsed. */
function parseStrict(eml: Buffer): { subject: string; from: string; to: string; files: string[]; defects: number; headers: string[] } {
  const script = `
import sys, json, email, email.policy
msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.strict)
defects = len(msg.defects) + sum(len(p.defects) for p in msg.walk())
files = [p.get_filename() for p in msg.walk() if p.get_content_disposition() == 'attachment']
print(json.dumps({"subject": str(msg["subject"]), "from": str(msg["from"]), "to": str(msg["to"]), "files": files, "defects": defects, "headers": list(msg.keys())}))
`;
  const r = spawnSync('python3', ['-c', script], { input: eml });
  if (r.status !== 0) throw new Error(`python strict parse failed: ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString());
}

describe('MIME rendering', () => {
  for (const name of Object.keys(CASES)) {
    it(`${name}: matches its golden file, parses strictly, and encodedSize is exact`, async () => {
      const plan = planOf(name);
      const eml = await renderMimeToBuffer(plan, open);
      const golden = new URL(`${name}.eml`, GOLDEN_DIR);
      // Golden files are written only on request: UPDATE_GOLDEN=1 npx vitest run test/mail/render.unit.test.ts
      // (then review the diff of test/fixtures/mail/ and commit it). A missing golden file is a
      // failure, never a silent pass: otherwise a deleted or renamed fixture would accept any output.
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden, eml);
      expect(existsSync(golden), `${name}.eml golden file is missing (UPDATE_GOLDEN=1 to write it)`).toBe(true);
      expect(eml.equals(readFileSync(golden)), `${name}.eml differs from its golden file (UPDATE_GOLDEN=1 to accept)`).toBe(true);
      expect(encodedSize(plan)).toBe(eml.length);
      expect(eml.toString('latin1').split('\r\n').every((l) => l.length <= 998)).toBe(true);

      const parsed = await simpleParser(eml);
      expect(parsed.subject).toBe(plan.subject.replace(/[\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim());
      expect(parsed.messageId).toBe(plan.messageId);
      expect(parsed.headers.has('bcc')).toBe(false);
      expect(parsed.headers.has('x-injected')).toBe(false);
      const stored = plan.attachments.filter((a) => a.status === 'stored');
      for (const a of stored) {
        const att = parsed.attachments.find((x) => x.filename === a.name.replace(/[\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim());
        expect(att, `attachment ${a.name}`).toBeDefined();
        expect(att!.content.equals(fileBytes(a.name, a.size))).toBe(true);
      }
      const strict = parseStrict(eml);
      expect(strict.defects).toBe(0);
      expect(strict.headers).not.toContain('Bcc');
      expect(strict.subject).toBe(parsed.subject);
    });
  }

  it('thread replies, edits and deletions reference the original Message-ID', () => {
    const original = planOf('group').messageId;
    expect(planOf('edit').inReplyTo).toBe(original);
    expect(planOf('deletion').references).toContain(original);
    expect(planOf('thread-reply').inReplyTo).toBe(original); // the reply's parent is the group sample message
    expect(new Set([planOf('edit').messageId, planOf('deletion').messageId, original]).size).toBe(3);
  });

  it('names the other person in a 1:1 subject and the team in a team space', () => {
    expect(planOf('direct').subject).toBe('Webex: chat with Bob Li');
    expect(planOf('team').subject).toBe('Webex: Rates Desk / Rates chat');
  });

  it('keeps nothing executable in the HTML body', async () => {
    const html = planOf('hostile-input').html;
    expect(html).not.toMatch(/<script|onclick|javascript:/i);
    expect(html).toContain('href="https://example.com/a?b=1"');
  });

  it('streams a 100 MB attachment with flat memory, and its size is known beforehand', async () => {
    const size = 100 * 1024 * 1024;
    const plan: EmailPlan = { ...planOf('group'), attachments: [{ name: 'big.bin', contentType: 'application/octet-stream', size, sha256: 'x', container: 'attachments', blobName: 'big', status: 'stored' }] };
    const chunk = Buffer.alloc(64 * 1024, 7);
    const opener = async () => Readable.from((function* () { for (let i = 0; i < size / chunk.length; i++) yield chunk; })());
    global.gc?.();
    const before = process.memoryUsage().rss;
    let total = 0;
    let peak = before;
    for await (const c of renderMime(plan, opener)) {
      total += (c as Buffer).length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(total).toBe(encodedSize(plan));
    // Buffering would hold >= 133 MB of base64; streaming stays within GC slack.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('fails loudly when the stored attachment does not have the planned size', async () => {
    const plan = planOf('attachments');
    const wrong = async (ref: AttachmentRef) => Readable.from([fileBytes(ref.name, ref.size + 1)]);
    await expect(renderMimeToBuffer(plan, wrong)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
