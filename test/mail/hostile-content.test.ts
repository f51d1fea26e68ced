import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { FileRef, RawMessage } from '../../src/kafka/records.js';
import { foldHeader, unstructuredTokens } from '../../src/mail/header-encoding.js';
import { rfc2231Param } from '../../src/mail/mime-params.js';
import { encodedSize, renderMime, renderMimeToBuffer } from '../../src/mail/render.js';
import { sanitizeHtml } from '../../src/mail/safe-html.js';
import { toEmailPlans } from '../../src/processors/convert/transform.js';
import { limitPlan } from '../../src/processors/limit/transform.js';
import { stagePlan } from '../../src/processors/stage/transform.js';
import { FILE_NAMES, FIRST_NAMES, LAST_NAMES, PHRASES } from '../../src/simulator/generate-content.js';
import { sampleRaw } from '../support/samples.js';
import { fileBytes } from './cases.js';

/**
 * Hostile but legal content is archived, never dead-lettered: every pool of docs/simulator.md's
 * generator and the cases below go through convert, limit and stage (their pure parts) without a
 * throw, and the bytes are mail a strict reader takes back.
 */
const LONG_WORD = 'x'.repeat(2000);
const NEW_TEXTS = [
  'entities &#x110000; &#99999999; &#0; &#xD800; &#1114111; &#99999999999999999999999;',
  'line one\nline two\rline three\r\nend',
  `a title-like word ${LONG_WORD}`,
  '\uD800 lone surrogate',
];
const NEW_HTML = [
  '<p>&#x110000; and &#99999999; and &#xFFFFFFFFFF;</p>',
  '<p>before</p><!--><p>after</p>',
  '<p>a</p><!---><p>b</p><!-- c --!><p>d</p>',
  '<p>unclosed <!-- comment',
  `<p>${LONG_WORD}</p>`,
];
const NEW_TITLES = [LONG_WORD, `${'報告'.repeat(400)}`, 'Deals\r\nBcc: x@evil.example', '=?UTF-8?B?Zm9v?= literal'];
const NEW_FILE_NAMES = [`${'n'.repeat(1500)}.pdf`, `${'é'.repeat(700)}.txt`, '€'.repeat(25) + '.bin', '👨‍👩‍👧‍👦'.repeat(30) + '.png', '../../etc/passwd', 'a\u0000b.txt'];

function file(name: string, i: number): FileRef {
  const bytes = fileBytes(name, 32);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { contentId: `c-${i}`, url: `https://webexapis.com/v1/contents/c-${i}`, name, contentType: 'application/octet-stream', size: 32, sha256, container: 'attachments', blobName: sha256, status: i % 5 === 4 ? 'unscannable' : 'stored' };
}

function hostileRecords(): RawMessage[] {
  const base = sampleRaw();
  const names = FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`));
  const texts = [...PHRASES, ...NEW_TEXTS];
  const htmls = [...PHRASES.map((p) => `<p>${p}</p>`), ...NEW_HTML];
  const titles = [...PHRASES, ...NEW_TITLES];
  const fileNames = [...FILE_NAMES, ...NEW_FILE_NAMES];
  const count = Math.max(names.length, texts.length, htmls.length, titles.length, fileNames.length);
  return Array.from({ length: count }, (_, i) => {
    const sender = { personId: `p-${i}`, email: `user${i}@example.com`, displayName: names[i % names.length]! };
    return sampleRaw({
      message: { ...base.message, id: `M-hostile-${i}`, personId: sender.personId, personEmail: sender.email, text: texts[i % texts.length]!, html: i % 3 === 0 ? null : htmls[i % htmls.length]! },
      room: { ...base.room, title: titles[i % titles.length]! },
      sender,
      participants: [sender, { personId: 'p-o', email: "o'brien@example.com", displayName: names[(i + 7) % names.length]! }],
      files: [file(fileNames[i % fileNames.length]!, i), file(fileNames[(i + 3) % fileNames.length]!, i + 1)],
    });
  });
}

const openAttachment = async (ref: { name?: string; size: number; blobName: string }) => Readable.from([fileBytes(ref.name ?? '', ref.size)]);

describe('hostile content goes through convert, limit and stage', () => {
  it('every case of the generator and the new ones: no throw, lines within 998 octets, CRLF only, names kept', async () => {
    const records = hostileRecords();
    expect(records.length).toBeGreaterThan(200);
    for (const raw of records) {
      const [plan] = toEmailPlans(raw, { orgDomains: ['example.com'] });
      const limited = limitPlan(plan!, { maxItemBytes: 10 * 1024 * 1024, oversizePolicy: 'strip-attachments' }, encodedSize, new Date('2026-01-05T10:00:00Z'));
      expect(limited[0]!.topic).toBe('limited');
      const chunks: Buffer[] = [];
      const planned = plan!;
      const staged = await stagePlan(planned, {
        stagingContainer: 'staging',
        render: (p) => renderMime(p, async (ref) => Readable.from([fileBytes(raw.files.find((f) => f.blobName === ref.blobName)!.name, ref.size)])),
        write: async (container, name, body) => {
          for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
          const bytes = Buffer.concat(chunks);
          return { container, blobName: name, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
        },
      });
      const eml = Buffer.concat(chunks);
      expect(staged[0]!.value).toMatchObject({ size: encodedSize(planned) });
      const lines = eml.toString('latin1').split('\r\n');
      expect(lines.every((l) => Buffer.byteLength(l, 'latin1') <= 998), `a line over 998 octets in ${raw.message.id}`).toBe(true);
      expect(lines.every((l) => !l.includes('\n') && !l.includes('\r')), `a bare LF or CR in ${raw.message.id}`).toBe(true);
      const parsed = await simpleParser(eml);
      expect(parsed.subject).toBeTruthy();
      const stored = raw.files.filter((f) => f.status === 'stored');
      expect(parsed.attachments.filter((a) => !a.filename?.endsWith('(not attached).txt')).map((a) => a.filename)).toEqual(
        stored.map((f) => f.name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim()));
    }
  }, 120_000);

  it('out-of-range numeric entities become U+FFFD instead of throwing', () => {
    expect(sanitizeHtml('<p>&#x110000; &#99999999; &#0; &#xD800; &#x1F600;</p>')).toBe('<p>\ufffd \ufffd \ufffd \ufffd 😀</p>');
    expect(sanitizeHtml('<a href="&#99999999;javascript:alert(1)">x</a>')).toBe('<a>x</a>');
  });

  it('`<!-->` and `<!--->` are empty comments: the rest of the part is kept', () => {
    expect(sanitizeHtml('<p>before</p><!--><p>after</p>')).toBe('<p>before</p><p>after</p>');
    expect(sanitizeHtml('<p>a</p><!---><p>b</p><!-- c --!><p>d</p>')).toBe('<p>a</p><p>b</p><p>d</p>');
    expect(sanitizeHtml('<p>x</p><!-- <script>alert(1)</script> -->')).toBe('<p>x</p>');
  });

  it('a long title without spaces becomes folded encoded-words, each line within limits, and reads back whole', async () => {
    const header = foldHeader('Subject', unstructuredTokens(`Webex: ${LONG_WORD}`));
    const lines = header.split('\r\n');
    expect(lines.length).toBeGreaterThan(20);
    // Encoded-words are 75 characters at most (RFC 2047 §2); the first shares its line with the name.
    expect(lines.every((l) => l.length <= 9 + 75)).toBe(true);
    const parsed = await simpleParser(Buffer.from(`${header}\r\nbody\r\n`));
    expect(parsed.subject).toBe(`Webex: ${LONG_WORD}`);
  });

  it('Webex ids (about 80 characters) stay plain in X-Webex-* headers: only unfoldable words are encoded', () => {
    const id = 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvOTJkYjNiZTAtNDNiZC0xMWU2LThhZTktZGQ1YjNkZmM1NjVk';
    expect(foldHeader('X-Webex-Message-Id', unstructuredTokens(id))).toBe(`X-Webex-Message-Id: ${id}\r\n`);
  });

  it('RFC 2231 continuations never split one character\'s UTF-8 bytes', () => {
    const param = rfc2231Param('filename', `${'a'.repeat(59)}€${'😀'.repeat(20)}`);
    const pieces = [...param.matchAll(/filename\*\d+\*=(?:utf-8'')?([^;\r]*)/g)].map((m) => m[1]!);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) expect(() => decodeURIComponent(p)).not.toThrow();
    expect(pieces.map((p) => decodeURIComponent(p)).join('')).toBe(`${'a'.repeat(59)}€${'😀'.repeat(20)}`);
  });

  it('text parts carry CRLF line breaks only (RFC 2045 §6.8)', async () => {
    const [plan] = toEmailPlans(sampleRaw({ message: { ...sampleRaw().message, text: 'one\ntwo\rthree\r\nfour', html: null } }), { orgDomains: ['example.com'] });
    const eml = await renderMimeToBuffer(plan!, openAttachment);
    const parsed = await simpleParser(eml, { skipTextLinks: true });
    const textPart = Buffer.from(eml.toString('latin1').split('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n')[1]!.split('\r\n--')[0]!.replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(textPart).toContain('one\r\ntwo\r\nthree\r\nfour');
    expect(textPart.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(parsed.text).toContain('four');
  });
});
