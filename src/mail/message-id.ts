import { createHash } from 'node:crypto';

/**
 * Message-IDs and item ids, derived from Webex ids so that every capture path, replay and rerun
 * produces the same ones:
 * - the original message: <wx-H@webex-archiver.invalid>, H = first 32 hex of SHA-256(Webex message id).
 *   A thread reply knows only its parent's id, and that is enough to reference it.
 * - an edit: <wx-H-u<epoch ms of the edit>@…>; a deletion: <wx-H-d@…> (a message is deleted once;
 *   the webhook and the crawler see slightly different deletion times, the id must not depend on them).
 * `.invalid` (RFC 2606) keeps the domain from ever meaning a real host.
 */
export const MESSAGE_ID_DOMAIN = 'webex-archiver.invalid';

function h(webexMessageId: string): string {
  return createHash('sha256').update(webexMessageId).digest('hex').slice(0, 32);
}

export function originalMessageId(webexMessageId: string): string {
  return `<wx-${h(webexMessageId)}@${MESSAGE_ID_DOMAIN}>`;
}

export function versionMessageId(webexMessageId: string, event: 'created' | 'updated' | 'deleted', versionAt: string): string {
  if (event === 'created') return originalMessageId(webexMessageId);
  if (event === 'deleted') return `<wx-${h(webexMessageId)}-d@${MESSAGE_ID_DOMAIN}>`;
  return `<wx-${h(webexMessageId)}-u${Date.parse(versionAt)}@${MESSAGE_ID_DOMAIN}>`;
}

/** The dedupe key and staging name of one message version. */
export function itemIdOf(webexMessageId: string, event: 'created' | 'updated' | 'deleted', versionAt: string): string {
  return `${webexMessageId}:${event}:${event === 'deleted' ? 0 : Date.parse(versionAt)}`;
}

/**
 * A transcript (one email per room per UTC day, transcript mode): its identity is the room, the
 * day and the exact set of message versions it shows, so a rerun over the same versions meets the
 * Message-ID already in the mailbox, and a late version makes a new transcript rather than a
 * silent replacement. `digest` is transcriptDigest(item ids).
 */
export function transcriptDigest(itemIds: readonly string[]): string {
  return createHash('sha256').update([...itemIds].sort().join('\n')).digest('hex').slice(0, 16);
}

export function transcriptMessageId(roomId: string, day: string, digest: string): string {
  return `<wx-t-${h(roomId)}-${day}-${digest}@${MESSAGE_ID_DOMAIN}>`;
}

export function transcriptItemId(roomId: string, day: string, digest: string): string {
  return `transcript:${roomId}:${day}:${digest}`;
}

/**
 * A conversation change (an item of its own: a join, a leave, a moderator change, a room update):
 * named by the membership or room, the change and `since`, which the webhook and the crawl both
 * know: when the membership began for joins and leaves (a leave's own time they see differently,
 * like a deletion's), the change's event time otherwise.
 */
export type ChangeType = 'joined' | 'left' | 'moderator-added' | 'moderator-removed' | 'room-updated' | 'card-submitted';
const CHANGE_TAG: Record<ChangeType, string> = { joined: 'm-{h}-j', left: 'm-{h}-l', 'moderator-added': 'm-{h}-a', 'moderator-removed': 'm-{h}-r', 'room-updated': 'r-{h}-u', 'card-submitted': 'a-{h}-s' };

export function changeItemId(type: ChangeType, id: string, since: string): string {
  return `${type === 'room-updated' ? 'room' : type === 'card-submitted' ? 'action' : 'membership'}:${id}:${type}:${Date.parse(since)}`;
}

export function changeMessageId(type: ChangeType, id: string, since: string): string {
  return `<wx-${CHANGE_TAG[type].replace('{h}', h(id))}${Date.parse(since)}@${MESSAGE_ID_DOMAIN}>`;
}

/**
 * In-meeting chat and transcripts (src/capture/meeting-item.ts), threaded per meeting: every item
 * of one meeting instance references the meeting's thread root <wx-mtg-H@…> (H from the meeting
 * id), which no item claims as its own Message-ID, so mail clients group them as one conversation
 * whatever order they arrive in. A meeting message has a created version, an edit version per
 * `updated` event (<wx-mm-H-u<epoch ms of the event>@…>) and at most one deletion (<wx-mm-H@…>,
 * <wx-mm-H-d@…>, named without the deletion's time like a message's); a transcript is one item
 * (<wx-mtr-H@…>).
 */
export function meetingThreadRoot(meetingId: string): string {
  return `<wx-mtg-${h(meetingId)}@${MESSAGE_ID_DOMAIN}>`;
}

export type MeetingMessageEvent = 'created' | 'updated' | 'deleted';

/** `versionAt` names an edit only (created and deleted versions have one each). */
export function meetingMessageId(id: string, event: MeetingMessageEvent, versionAt?: string): string {
  const tag = event === 'deleted' ? '-d' : event === 'updated' ? `-u${Date.parse(versionAt ?? '')}` : '';
  return `<wx-mm-${h(id)}${tag}@${MESSAGE_ID_DOMAIN}>`;
}

export function meetingMessageItemId(id: string, event: MeetingMessageEvent, versionAt?: string): string {
  return `meeting-message:${id}:${event}${event === 'updated' ? `:${Date.parse(versionAt ?? '')}` : ''}`;
}

export function meetingTranscriptMessageId(transcriptId: string): string {
  return `<wx-mtr-${h(transcriptId)}@${MESSAGE_ID_DOMAIN}>`;
}

export function meetingTranscriptItemId(transcriptId: string): string {
  return `meeting-transcript:${transcriptId}`;
}
