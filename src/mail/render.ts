import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArchiverError } from '../errors.js';
import type { AttachmentRef, EmailPlan } from '../kafka/records.js';
import { base64Buffer, base64EncodedLength, base64LineStream } from './base64-lines.js';
import { cleanAddress, displayNameTokens, foldHeader, unstructuredTokens } from './header-encoding.js';
import { quotedParam, rfc2231Param, safeContentType } from './mime-params.js';
import { placeholderText } from './placeholder.js';

/**
 * Renders an EmailPlan as RFC 5322 / MIME bytes, deterministically: the boundary derives from the
 * itemId, headers come in a fixed order, every line ends CRLF, and bodies are base64 in 76-column
 * lines. The message is a list of segments: literal text, and attachment bodies streamed from
 * blob storage. `encodedSize` adds up the same segments without reading any attachment, so the
 * limit stage knows the exact size before anything is rendered.
 */
type Segment = { kind: 'text'; text: string } | { kind: 'attachment'; ref: AttachmentRef };

export type OpenAttachment = (ref: AttachmentRef) => Promise<NodeJS.ReadableStream | Readable>;

export function boundaryFor(itemId: string, part: string): string {
  return `=_wxa_${part}_${createHash('sha256').update(itemId).digest('hex').slice(0, 24)}`;
}

/** RFC 5322 date-time in UTC, e.g. "Mon, 05 Jan 2026 09:01:00 +0000". */
export function rfc5322Date(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new ArchiverError('BAD_RECORD', `plan date is not a time: ${iso}`);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function address(a: { name: string; address: string }): string[] {
  return [...displayNameTokens(a.name), `<${cleanAddress(a.address)}>`];
}

function addressList(name: string, list: readonly { name: string; address: string }[]): string {
  const tokens: string[] = [];
  list.forEach((a, i) => {
    const t = address(a);
    if (i < list.length - 1) t[t.length - 1] += ',';
    tokens.push(...t);
  });
  return foldHeader(name, tokens.length ? tokens : ['undisclosed-recipients:;']);
}

/** Message-IDs are ours (derived from Webex ids): still, only msg-id characters pass. */
function msgId(id: string): string {
  const inner = id.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.@]/g, '');
  return `<${inner}>`;
}

function headerBlock(plan: EmailPlan, topType: string): string {
  let h = '';
  h += foldHeader('Message-ID', [msgId(plan.messageId)]);
  h += foldHeader('Date', [rfc5322Date(plan.date)]);
  h += foldHeader('From', address(plan.from));
  h += addressList('To', plan.to);
  h += foldHeader('Subject', unstructuredTokens(plan.subject));
  if (plan.inReplyTo) h += foldHeader('In-Reply-To', [msgId(plan.inReplyTo)]);
  if (plan.references.length) h += foldHeader('References', plan.references.map(msgId));
  h += 'MIME-Version: 1.0\r\n';
  for (const x of plan.headers) {
    const name = x.name.replace(/[^A-Za-z0-9-]/g, '');
    if (/^x-/i.test(name)) h += foldHeader(name, unstructuredTokens(x.value));
  }
  return h + topType;
}

/** Line breaks in CRLF, the canonical form of text before a transfer encoding (RFC 2045 §6.8, RFC 2046 §4.1.1). */
export function canonicalLineBreaks(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '\r\n');
}

function textPart(contentType: string, body: string): string {
  return `Content-Type: ${contentType}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Buffer(Buffer.from(canonicalLineBreaks(body), 'utf8'))}`;
}

function htmlDocument(html: string): string {
  return `<!doctype html>\n<html><head><meta charset="utf-8"></head><body>\n${html}\n</body></html>\n`;
}

function segmentsOf(plan: EmailPlan): Segment[] {
  const alt = boundaryFor(plan.itemId, 'alt');
  const alternative =
    `--${alt}\r\n${textPart('text/plain', plan.text)}` +
    `--${alt}\r\n${textPart('text/html', htmlDocument(plan.html))}` +
    `--${alt}--\r\n`;
  if (plan.attachments.length === 0) {
    return [{ kind: 'text', text: headerBlock(plan, `Content-Type: multipart/alternative;\r\n boundary="${alt}"\r\n\r\n`) + alternative }];
  }
  const mixed = boundaryFor(plan.itemId, 'mix');
  const segs: Segment[] = [{
    kind: 'text',
    text: headerBlock(plan, `Content-Type: multipart/mixed;\r\n boundary="${mixed}"\r\n\r\n`) +
      `--${mixed}\r\nContent-Type: multipart/alternative;\r\n boundary="${alt}"\r\n\r\n${alternative}`,
  }];
  for (const ref of plan.attachments) {
    if (ref.status === 'stored') {
      segs.push({
        kind: 'text',
        text: `--${mixed}\r\nContent-Type: ${safeContentType(ref.contentType)}${quotedParam('name', ref.name)}\r\n` +
          `Content-Disposition: attachment${rfc2231Param('filename', ref.name)}\r\nContent-Transfer-Encoding: base64\r\n\r\n`,
      });
      segs.push({ kind: 'attachment', ref });
    } else {
      const name = `${ref.name} (not attached).txt`;
      segs.push({
        kind: 'text',
        text: `--${mixed}\r\nContent-Type: text/plain; charset=utf-8${quotedParam('name', name)}\r\n` +
          `Content-Disposition: attachment${rfc2231Param('filename', name)}\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
          base64Buffer(Buffer.from(canonicalLineBreaks(placeholderText(ref)), 'utf8')),
      });
    }
  }
  segs.push({ kind: 'text', text: `--${mixed}--\r\n` });
  return segs;
}

/** The exact size in bytes of `renderMime(plan)`, computed without reading attachments. */
export function encodedSize(plan: EmailPlan): number {
  return segmentsOf(plan).reduce((n, s) => n + (s.kind === 'text' ? Buffer.byteLength(s.text, 'utf8') : base64EncodedLength(s.ref.size)), 0);
}

/** Streams the message; attachments are read from `open` one at a time and never held whole. */
export function renderMime(plan: EmailPlan, open: OpenAttachment): Readable {
  const segments = segmentsOf(plan);
  async function* generate(): AsyncGenerator<Buffer | string> {
    for (const s of segments) {
      if (s.kind === 'text') { yield s.text; continue; }
      let seen = 0;
      const source = (await open(s.ref)) as Readable;
      const encoder = base64LineStream();
      source.on('data', (c: Buffer) => { seen += c.length; });
      source.pipe(encoder);
      source.once('error', (err) => encoder.destroy(err));
      for await (const chunk of encoder) yield chunk as Buffer;
      // The size is part of the plan (and of the limit decision): a different blob is an error, not a surprise.
      if (seen !== s.ref.size) throw new ArchiverError('UNAVAILABLE', `attachment ${s.ref.blobName} has ${seen} bytes, the plan says ${s.ref.size}`);
    }
  }
  return Readable.from(generate(), { objectMode: false });
}

/** Renders into memory (small items, tests). */
export async function renderMimeToBuffer(plan: EmailPlan, open: OpenAttachment): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of renderMime(plan, open)) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string, 'utf8'));
  return Buffer.concat(chunks);
}
