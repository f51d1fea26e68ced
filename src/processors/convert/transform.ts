import { ArchiverError } from '../../errors.js';
import type { AttachmentRef, EmailPlan, Person, RawMessage } from '../../kafka/records.js';
import { cleanHeaderText } from '../../mail/header-encoding.js';
import { itemIdOf, originalMessageId, versionMessageId } from '../../mail/message-id.js';
import { escapeHtml, sanitizeHtml, textToHtml } from '../../mail/safe-html.js';
import { cardHtml, cardLines, cardText } from './card-text.js';
import { toChangePlan } from './change-plan.js';
import { toMeetingPlan } from './meeting-plan.js';
import { conversationOf } from './conversation.js';

/**
 * Raw message version → email plan. Pure and deterministic: the same record always gives the
 * same plan (and so the same bytes). One email per message version: the original, each edit and
 * the deletion are separate items, and edits and deletions reference the original.
 */
export function toEmailPlans(raw: RawMessage, ctx: { orgDomains: readonly string[] }): EmailPlan[] {
  validate(raw);
  void ctx;
  const m = raw.message;
  const event = raw.event;
  const roomKind = raw.room.type === 'direct' ? 'direct' : raw.room.teamId ? 'team' : 'group';
  if (raw.kind === 'meeting-message' || raw.kind === 'meeting-transcript') return [toMeetingPlan(raw)];
  if (raw.kind === 'membership' || raw.kind === 'room' || raw.kind === 'action') return [toChangePlan(raw, subjectOf(raw, roomKind, raw.participants.filter((p) => p.email !== raw.sender.email)), roomKind)];
  const original = originalMessageId(m.id);
  const parent = m.parentId ? originalMessageId(m.parentId) : null;
  const references = [...(parent ? [parent] : []), ...(event !== 'created' ? [original] : [])];
  const inReplyTo = event !== 'created' ? original : parent;
  const others = raw.participants.filter((p) => p.email !== raw.sender.email);
  const recipients = (others.length ? others : [raw.sender]).map(toAddress);
  const subject = `${event === 'updated' ? '[edited] ' : event === 'deleted' ? '[deleted] ' : ''}${subjectOf(raw, roomKind, others)}`;
  const files: AttachmentRef[] = raw.files.map((f) => ({
    name: f.name, contentType: f.contentType, size: f.size, sha256: f.sha256, container: f.container, blobName: f.blobName, status: f.status,
  }));
  const { text, html, bodyText, bodyHtml } = bodies(raw, files);
  return [{
    itemId: itemIdOf(m.id, event, raw.versionAt),
    webexMessageId: m.id,
    roomId: m.roomId,
    event,
    source: raw.source,
    versionAt: raw.versionAt,
    webexCreated: m.created,
    messageId: versionMessageId(m.id, event, raw.versionAt),
    inReplyTo,
    references,
    date: raw.versionAt,
    subject,
    from: toAddress(raw.sender),
    to: recipients,
    headers: [
      { name: 'X-Webex-Message-Id', value: m.id },
      { name: 'X-Webex-Room-Id', value: m.roomId },
      ...(raw.room.teamId ? [{ name: 'X-Webex-Team-Id', value: raw.room.teamId }] : []),
      { name: 'X-Webex-Person-Id', value: m.personId },
      { name: 'X-Webex-Room-Type', value: roomKind },
      { name: 'X-Webex-Event', value: event },
      { name: 'X-Webex-Capture-Source', value: raw.source },
      ...(raw.participantsSource === 'current-membership' ? [{ name: 'X-Webex-Participants-Source', value: 'current-membership' }] : []),
      ...(m.parentId ? [{ name: 'X-Webex-Parent-Id', value: m.parentId }] : []),
      { name: 'X-Webex-Created', value: m.created },
      ...(event !== 'created' ? [{ name: 'X-Webex-Version-At', value: raw.versionAt }] : []),
    ],
    text,
    html,
    attachments: files,
    participants: raw.participants,
    limit: null,
    conversation: conversationOf(raw, roomKind, { bodyText, bodyHtml }),
  }];
}


/** Why an item's recipients may miss someone: it is older than the membership timeline reaches. */
export const PARTICIPANTS_NOTE = 'participants from the current membership: the item is older than the membership timeline reaches';

function toAddress(p: Person): { name: string; address: string } {
  return { name: cleanHeaderText(p.displayName), address: p.email };
}

function subjectOf(raw: RawMessage, kind: 'direct' | 'group' | 'team', others: Person[]): string {
  if (kind === 'direct') {
    // A compliance officer may read a 1:1 title as "Empty Title": name the other person instead.
    const other = others[0] ?? raw.sender;
    return `Webex: chat with ${other.displayName || other.email}`;
  }
  const title = raw.room.title && raw.room.title !== 'Empty Title' ? raw.room.title : '(untitled space)';
  return kind === 'team' && raw.room.teamName ? `Webex: ${raw.room.teamName} / ${title}` : `Webex: ${title}`;
}

function bodies(raw: RawMessage, files: AttachmentRef[]): { text: string; html: string; bodyText: string; bodyHtml: string } {
  const m = raw.message;
  const who = `${raw.sender.displayName} <${raw.sender.email}>`;
  const body = m.text ?? m.markdown ?? '';
  const bodyHtml = m.html ? sanitizeHtml(m.html) : textToHtml(body);
  const lead: string[] = [];
  if (raw.event === 'deleted') lead.push(`This message was deleted by or on behalf of ${who} at ${raw.versionAt}.${body ? ' Its last known text follows.' : ''}`);
  if (raw.event === 'updated') lead.push(`This message was edited at ${raw.versionAt}; this is the text after the edit.`);
  const notes = files.filter((f) => f.status !== 'stored').map((f) => `Attachment "${f.name}" was not captured (${f.status}).`);
  // Adaptive Cards, readable: their text and facts follow the message text (card-text.ts).
  const cards = (m.cards ?? []).map(cardLines);
  const cardTexts = cards.flatMap((lines, i) => ['', `Adaptive card ${i + 1} (attached as adaptive-card-${i + 1}.json):`, cardText(lines)]);
  const text = [...lead, ...(lead.length ? [''] : []), body, ...cardTexts, ...(notes.length ? ['', ...notes] : [])].join('\n');
  const html = [
    ...lead.map((l) => `<p><em>${escapeHtml(l)}</em></p>`),
    `<div>${bodyHtml}</div>`,
    ...cards.map((lines, i) => `<div><p><em>${escapeHtml(`Adaptive card ${i + 1} (attached as adaptive-card-${i + 1}.json):`)}</em></p>\n${cardHtml(lines)}</div>`),
    ...notes.map((n) => `<p><em>${escapeHtml(n)}</em></p>`),
  ].join('\n');
  return { text, html, bodyText: body, bodyHtml };
}

function validate(raw: RawMessage): void {
  const m = raw?.message;
  if (!m?.id || !m.roomId || !raw.sender?.email || !raw.versionAt || Number.isNaN(Date.parse(raw.versionAt))) {
    throw new ArchiverError('BAD_RECORD', 'raw record lacks message id, room id, sender or a valid versionAt');
  }
}
