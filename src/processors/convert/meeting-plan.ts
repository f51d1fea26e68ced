import { ArchiverError } from '../../errors.js';
import type { AttachmentRef, EmailPlan, Person, RawMessage } from '../../kafka/records.js';
import { cleanHeaderText } from '../../mail/header-encoding.js';
import { meetingMessageId, meetingMessageItemId, meetingThreadRoot, meetingTranscriptItemId, meetingTranscriptMessageId } from '../../mail/message-id.js';
import { escapeHtml, textToHtml } from '../../mail/safe-html.js';

/**
 * An in-meeting message version or a meeting transcript (raw kinds `meeting-message`,
 * `meeting-transcript`; src/capture/meeting-item.ts) → its email plan. Pure and deterministic
 * like a message version's. One meeting instance is one conversation: every item references the
 * meeting's thread root (message-id.ts), and an edit or a deletion also references the message.
 * From the sender (the host for a transcript), To the others who were there (a directed
 * message: its recipients only).
 */
export function toMeetingPlan(raw: RawMessage): EmailPlan {
  const mt = raw.meeting;
  const m = raw.message;
  if (!mt?.meetingId || !m?.id || !raw.sender?.email || Number.isNaN(Date.parse(raw.versionAt))) {
    throw new ArchiverError('BAD_RECORD', `${raw.kind} record lacks its meeting, id, sender or a valid versionAt`);
  }
  const transcript = raw.kind === 'meeting-transcript';
  const event = transcript ? 'created' : raw.event;
  const root = meetingThreadRoot(mt.meetingId);
  const messageId = transcript ? meetingTranscriptMessageId(m.id) : meetingMessageId(m.id, event, raw.versionAt);
  const original = event !== 'created' ? meetingMessageId(m.id, 'created') : null;
  const others = raw.participants.filter((p) => p.email !== raw.sender.email);
  const files: AttachmentRef[] = raw.files.map((f) => ({ name: f.name, contentType: f.contentType, size: f.size, sha256: f.sha256, container: f.container, blobName: f.blobName, status: f.status }));
  const title = mt.title || `Webex meeting ${mt.meetingId}`;
  const tag = transcript ? '[meeting transcript]' : event === 'deleted' ? '[deleted] [meeting chat]' : event === 'updated' ? '[edited] [meeting chat]' : '[meeting chat]';
  const body = m.text ?? '';
  const lead = leadOf(raw, event, others);
  const text = [...lead, ...(lead.length ? [''] : []), body].join('\n');
  const html = [...lead.map((l) => `<p><em>${escapeHtml(l)}</em></p>`), `<div>${transcript ? `<pre>${escapeHtml(body)}</pre>` : textToHtml(body)}</div>`].join('\n');
  return {
    itemId: transcript ? meetingTranscriptItemId(m.id) : meetingMessageItemId(m.id, event, raw.versionAt),
    webexMessageId: m.id,
    roomId: mt.meetingId,
    event,
    source: raw.source,
    versionAt: raw.versionAt,
    webexCreated: m.created,
    messageId,
    inReplyTo: original ?? root,
    references: [root, ...(original ? [original] : [])],
    date: raw.versionAt,
    subject: `${tag} Webex meeting: ${title}`,
    from: toAddress(raw.sender),
    to: (others.length ? others : [raw.sender]).map(toAddress),
    headers: [
      { name: 'X-Webex-Item-Kind', value: transcript ? 'meeting-transcript' : 'meeting-message' },
      { name: transcript ? 'X-Webex-Transcript-Id' : 'X-Webex-Meeting-Message-Id', value: m.id },
      { name: 'X-Webex-Meeting-Id', value: mt.meetingId },
      ...(m.personId ? [{ name: 'X-Webex-Person-Id', value: m.personId }] : []),
      ...(mt.directed ? [{ name: 'X-Webex-Directed', value: 'true' }] : []),
      { name: 'X-Webex-Event', value: event },
      { name: 'X-Webex-Capture-Source', value: raw.source },
      ...(mt.start ? [{ name: 'X-Webex-Meeting-Start', value: mt.start }] : []),
      { name: 'X-Webex-Created', value: m.created },
      ...(event !== 'created' ? [{ name: 'X-Webex-Version-At', value: raw.versionAt }] : []),
    ],
    text,
    html,
    attachments: files,
    participants: raw.participants,
    limit: null,
    conversation: { roomType: 'group', roomTitle: title, teamId: null, teamName: null, parentId: null, bodyText: body, bodyHtml: textToHtml(body) },
  };
}

/** What a reader needs before the text: a deletion, a private message, what a transcript is. */
function leadOf(raw: RawMessage, event: RawMessage['event'], others: Person[]): string[] {
  const mt = raw.meeting!;
  const who = `${raw.sender.displayName} <${raw.sender.email}>`;
  if (raw.kind === 'meeting-transcript') {
    const span = mt.start ? ` (${mt.start}${mt.end ? ` to ${mt.end}` : ''})` : '';
    const names = files(raw);
    const txt = raw.files.find((f) => f.contentType === 'text/plain');
    const shown = Buffer.byteLength(raw.message.text ?? '', 'utf8');
    const cut = txt && txt.size > shown ? [`The text below is the first ${shown} bytes of the transcript's ${txt.size}; the attached ${txt.name} holds all of it.`] : [];
    return [`Transcript of the Webex meeting "${mt.title}"${span}, hosted by ${who}.${names ? ` The original files are attached: ${names}.` : ''}`, ...cut];
  }
  const lines: string[] = [];
  if (event === 'deleted') lines.push(`This meeting chat message was deleted at ${raw.versionAt}.${raw.message.text ? ' Its last known text follows.' : ''}`);
  if (event === 'updated') lines.push(`This meeting chat message was edited at ${raw.versionAt}; this is the text after the edit.`);
  if (mt.directed) lines.push(`Sent privately by ${who} to ${others.map((p) => `${p.displayName} <${p.email}>`).join(', ') || 'no one else'}.`);
  return lines;
}

function files(raw: RawMessage): string {
  return raw.files.map((f) => f.name).join(', ');
}

function toAddress(p: Person): { name: string; address: string } {
  return { name: cleanHeaderText(p.displayName), address: p.email };
}
