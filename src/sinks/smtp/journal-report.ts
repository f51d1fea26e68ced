import { createHash } from 'node:crypto';
import { foldHeader, unstructuredTokens } from '../../mail/header-encoding.js';
import { MESSAGE_ID_DOMAIN } from '../../mail/message-id.js';
import { addressesOf, decodeWords, headerValues } from './message-headers.js';

/**
 * An Exchange-style envelope journal report ([MS-XJRNL] / [MS-OXJRNL], Microsoft's open
 * specification of Exchange journal reports): a wrapper whose first part lists the envelope facts
 * one per line (`Sender:`, `Subject:`, `Message-Id:`, then one `To:`/`Cc:`/`Bcc:` line per true
 * recipient) and whose second part is the original, unaltered, as message/rfc822. Archives that
 * read Exchange journals take it; the true recipients travel apart from the original's headers.
 * Pure and deterministic: the report's boundary and Message-ID derive from the original's.
 * See docs/smtp-journaling.md.
 */
export interface JournalReportOptions {
  /** The report's From (the journaling sender). */
  from: string;
  /** The journal address: the report's To. */
  journalAddress: string;
  headers?: readonly { name: string; value: string }[];
}

export function journalReportBody(original: Buffer): string {
  const first = (name: string) => headerValues(original, name)[0] ?? '';
  const sender = addressesOf(first('From'))[0] ?? '';
  // The report's text part is UTF-8, so the subject is written as text, not as encoded-words.
  const lines = [`Sender: ${sender}`, `Subject: ${decodeWords(first('Subject'))}`, `Message-Id: ${first('Message-ID')}`];
  const seen = new Set<string>();
  for (const kind of ['To', 'Cc', 'Bcc'] as const) {
    for (const v of headerValues(original, kind)) {
      for (const a of addressesOf(v)) {
        if (seen.has(a.toLowerCase())) continue;
        seen.add(a.toLowerCase());
        lines.push(`${kind}: ${a}`);
      }
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export function toJournalReport(original: Buffer, opts: JournalReportOptions): Buffer {
  const first = (name: string) => headerValues(original, name)[0] ?? '';
  const originalId = first('Message-ID') || createHash('sha256').update(original).digest('hex');
  const h = createHash('sha256').update(originalId).digest('hex').slice(0, 24);
  const boundary = `=_wxa_jr_${h}`;
  let head = '';
  head += foldHeader('From', [`<${opts.from}>`]);
  head += foldHeader('To', [`<${opts.journalAddress}>`]);
  // Subject: the original's (already encoded as it stands in the original's header).
  head += `Subject: ${first('Subject').replace(/[\r\n]+/g, ' ')}\r\n`;
  head += foldHeader('Message-ID', [`<jr-${h}@${MESSAGE_ID_DOMAIN}>`]);
  if (first('Date')) head += `Date: ${first('Date')}\r\n`;
  // Exchange marks its journal reports with this header (present, empty value); archives test for it.
  head += 'X-MS-Journal-Report: \r\n';
  for (const x of opts.headers ?? []) head += foldHeader(x.name, unstructuredTokens(x.value));
  head += 'MIME-Version: 1.0\r\n';
  head += `Content-Type: multipart/mixed;\r\n boundary="${boundary}"\r\n\r\n`;
  const report = `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${journalReportBody(original)}`;
  const attached = `--${boundary}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n`;
  // The CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1): one more keeps the
  // attached original byte-for-byte what was archived, final line break included.
  const tail = `\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head + report + attached, 'utf8'), original, Buffer.from(tail, 'ascii')]);
}
