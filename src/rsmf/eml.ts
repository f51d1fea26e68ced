import { createHash } from 'node:crypto';
import { base64Buffer, base64EncodedLength } from '../mail/base64-lines.js';
import { cleanAddress, displayNameTokens, foldHeader, unstructuredTokens } from '../mail/header-encoding.js';
import { MESSAGE_ID_DOMAIN } from '../mail/message-id.js';
import { rfc5322Date } from '../mail/render.js';
import type { RsmfManifest } from './manifest.js';

/**
 * The .rsmf file: an RFC 5322 message whose first header is X-RSMF-Version, whose body is a
 * readable transcript, and whose one and only attachment is rsmf.zip (Relativity's validator
 * rejects any other attachment; docs/rsmf.md). Deterministic: the boundary, Message-ID and Date
 * derive from the conversation, the day and the slice number.
 *
 * The file is the text before the zip, the zip in base64 lines, and the closing boundary, so its
 * exact size is known from the zip's size alone (`rsmfFileSize`), before any attachment is read.
 */
export const GENERATOR = 'webex-archiver';
const FROM = { name: 'Webex Archiver', address: `rsmf@${MESSAGE_ID_DOMAIN}` };

export interface SliceHeader {
  roomId: string;
  day: string;
  index: number;
  count: number;
  begin: string;
  end: string;
  attachmentCount: number;
}

function hashOf(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 24);
}

function addressTokens(list: readonly { name: string; address: string }[]): string[] {
  const tokens: string[] = [];
  list.forEach((a, i) => {
    const t = [...displayNameTokens(a.name), `<${cleanAddress(a.address)}>`];
    if (i < list.length - 1) t[t.length - 1] += ',';
    tokens.push(...t);
  });
  return tokens.length ? tokens : ['undisclosed-recipients:;'];
}

function parts(manifest: RsmfManifest, h: SliceHeader, body: string): { head: string; tail: string } {
  const id = hashOf(`${h.roomId}\n${h.day}`);
  const boundary = `=_rsmf_${id}_${h.index}`;
  const conv = manifest.conversations[0]!;
  const withEmail = manifest.participants.filter((p) => p.email);
  const listed = manifest.participants.map((p) => p.email ?? p.display ?? p.id);
  let head = '';
  // X-RSMF-Version first: Relativity reads it to recognise the file (docs/rsmf.md).
  head += foldHeader('X-RSMF-Version', [manifest.version]);
  head += foldHeader('X-RSMF-Generator', [GENERATOR]);
  head += foldHeader('X-RSMF-Application', ['Webex']);
  head += foldHeader('X-RSMF-BeginDate', [h.begin]);
  head += foldHeader('X-RSMF-EndDate', [h.end]);
  head += foldHeader('X-RSMF-EventCount', [String(manifest.events.length)]);
  head += foldHeader('X-RSMF-AttachmentCount', [String(h.attachmentCount)]);
  head += foldHeader('X-RSMF-EventCollectionID', [manifest.eventcollectionid]);
  head += foldHeader('X-RSMF-Participants', unstructuredTokens(listed.join(', ')));
  head += foldHeader('Message-ID', [`<rsmf-${id}-${h.day}-${h.index}@${MESSAGE_ID_DOMAIN}>`]);
  head += foldHeader('Date', [rfc5322Date(h.end)]);
  head += foldHeader('From', addressTokens([FROM]));
  head += foldHeader('To', addressTokens(withEmail.map((p) => ({ name: p.display ?? '', address: p.email! }))));
  head += foldHeader('Subject', unstructuredTokens(`Webex: ${conv.display ?? conv.id}, ${h.day}${h.count > 1 ? ` (part ${h.index} of ${h.count})` : ''}`));
  head += foldHeader('X-Webex-Room-Id', [conv.id]);
  head += 'MIME-Version: 1.0\r\n';
  head += `Content-Type: multipart/mixed;\r\n boundary="${boundary}"\r\n\r\n`;
  head += `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n`;
  head += base64Buffer(Buffer.from(body, 'utf8'));
  head += `--${boundary}\r\nContent-Type: application/zip; name="rsmf.zip"\r\n` +
    'Content-Disposition: attachment; filename="rsmf.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n';
  return { head, tail: `--${boundary}--\r\n` };
}

export function rsmfFileSize(manifest: RsmfManifest, h: SliceHeader, body: string, zipBytes: number): number {
  const { head, tail } = parts(manifest, h, body);
  return Buffer.byteLength(head, 'utf8') + base64EncodedLength(zipBytes) + Buffer.byteLength(tail, 'utf8');
}

export function renderRsmfFile(manifest: RsmfManifest, h: SliceHeader, body: string, zip: Buffer): Buffer {
  const { head, tail } = parts(manifest, h, body);
  return Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(base64Buffer(zip), 'ascii'), Buffer.from(tail, 'utf8')]);
}
