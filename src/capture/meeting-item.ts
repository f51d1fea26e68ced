import { Readable } from 'node:stream';
import { ArchiverError } from '../errors.js';
import type { CaptureSource, FileRef, MeetingInfo, Person, RawMessage } from '../kafka/records.js';
import type { MeetingMessageRecipient } from '../webex/meeting-types.js';
import type { CaptureDeps } from './capture-message.js';
import { buildRawMessage } from './raw-record.js';
import type { MeetingReader, WxMeetingTranscript, WxMembership } from './webex-reader.js';
import { readAll } from '../memory/read-all.js';

/**
 * In-meeting chat and meeting transcripts as items (raw kinds `meeting-message` and
 * `meeting-transcript`). The meeting plays the room: the record's room id is the meeting id and
 * its title the meeting's, so every item of one meeting instance is one conversation (convert
 * threads them under the meeting's root, src/mail/message-id.ts). Recipients are the meeting's
 * participants (GET /meetingParticipants) and its host; a directed message (its event names
 * `recipients`) reaches only its sender and those recipients. docs/webex-api.md, "Meetings".
 */

/** What one meeting instance gives its items, read once per meeting per crawl. */
export interface MeetingContext { info: MeetingInfo; participants: Person[] }
export type MeetingContexts = Map<string, Promise<MeetingContext>>;

export async function meetingContext(reader: MeetingReader, meetingId: string, fallbackTitle?: string): Promise<MeetingContext> {
  const meeting = await reader.getMeeting(meetingId).catch(notFoundAs(null));
  const listed = await reader.listMeetingParticipants(meetingId).catch(notFoundAs([]));
  const host = meeting?.hostEmail ? { personId: meeting.hostUserId ?? '', email: meeting.hostEmail.toLowerCase(), displayName: meeting.hostDisplayName || meeting.hostEmail } : null;
  const participants = new Map<string, Person>();
  if (host) participants.set(host.email, host);
  for (const p of listed) {
    // A participant who dialled in without an email has no mailbox to receive a copy.
    if (!p.email) continue;
    const email = p.email.toLowerCase();
    if (!participants.has(email)) participants.set(email, { personId: p.id, email, displayName: p.displayName || p.email });
  }
  const title = meeting?.title || fallbackTitle || `Webex meeting ${meetingId}`;
  return {
    info: { meetingId, title, start: isoOrNull(meeting?.start), end: isoOrNull(meeting?.end), host, directed: false },
    participants: [...participants.values()],
  };
}

function contextOf(deps: CaptureDeps, contexts: MeetingContexts | undefined, meetingId: string, fallbackTitle?: string): Promise<MeetingContext> {
  const reader = deps.reader.meetings;
  if (!reader) throw new ArchiverError('CONFIG', 'meeting items need a Webex reader with the Meetings API');
  const cached = contexts?.get(meetingId);
  if (cached) return cached;
  const p = meetingContext(reader, meetingId, fallbackTitle);
  contexts?.set(meetingId, p);
  // A failed read is not kept: the next item of that meeting tries again.
  p.catch(() => contexts?.delete(meetingId));
  return p;
}

/**
 * A meetingMessages event (created, updated or deleted) as a version of that message. The event's
 * `data` is the message's snapshot: id, meetingId, text, personId, personEmail, created and,
 * for a directed message, `recipients`. The deletion's snapshot may lack the text: the item then
 * says so. Returns null for a snapshot without the ids it needs (nothing to name it by).
 */
export async function captureMeetingMessage(
  deps: CaptureDeps,
  req: { data: Record<string, unknown>; event: 'created' | 'updated' | 'deleted'; at: string; actorId: string | null; source: CaptureSource },
  contexts?: MeetingContexts,
): Promise<RawMessage | null> {
  const d = req.data;
  const id = str(d.id), meetingId = str(d.meetingId);
  if (!id || !meetingId) {
    deps.logger.warn({ meetingMessageId: id, meetingId }, 'meetingMessages event without the message or meeting id; not archived');
    return null;
  }
  const ctx = await contextOf(deps, contexts, meetingId);
  const personId = str(d.personId) ?? req.actorId ?? '';
  // Nobody with an email to name as sender: the item is still archived, from an address that is no
  // one's, so route counts it as an `unmapped` outcome (or files it in the fallback mailbox).
  const sender = (await senderOf(deps, ctx, personId, str(d.personEmail))) ?? unknownPerson(personId);
  if (sender.email === UNKNOWN_EMAIL) deps.logger.warn({ meetingMessageId: id, meetingId }, 'meeting message without a sender, host or participant with an email; archived from ' + UNKNOWN_EMAIL);
  const recipients = Array.isArray(d.recipients) ? (d.recipients as MeetingMessageRecipient[]) : [];
  const directed = recipients.length > 0;
  const members: WxMembership[] = (directed ? recipients.map((r) => recipientPerson(ctx, r)).filter((p): p is Person => p !== null) : ctx.participants)
    .map((p) => ({ personId: p.personId, personEmail: p.email, personDisplayName: p.displayName }));
  const created = isoOrNull(str(d.created)) ?? req.at;
  const raw = buildRawMessage({
    source: req.source,
    event: req.event,
    deletedAt: req.at,
    capturedAt: (deps.now ?? (() => new Date()))(),
    // An edit is dated by its event (both crawls of it agree); a deletion too, through deletedAt.
    message: { id, roomId: meetingId, personId: sender.personId, personEmail: sender.email, text: str(d.text) ?? (typeof d.text === 'string' ? '' : undefined), created, ...(req.event === 'updated' ? { updated: req.at } : {}) },
    room: { id: meetingId, title: ctx.info.title, type: 'group', created: ctx.info.start ?? created },
    team: null,
    memberships: members,
    participantsSource: null,
    sender,
    files: [],
  });
  return asMeetingItem(raw, 'meeting-message', { ...ctx.info, directed });
}

/**
 * One transcript (GET /meetingTranscripts item) as one item: the txt text is the body, and the
 * vtt and txt files as Webex serves them are attached, claim-checked into blob storage like
 * message files. A transcript Webex lists as `deleted` records nothing new: what was archived
 * while it was available stays (docs/webex-api.md, "Meetings"); null then.
 */
export async function captureMeetingTranscript(
  deps: CaptureDeps,
  req: { transcript: WxMeetingTranscript; source: CaptureSource },
  contexts?: MeetingContexts,
): Promise<RawMessage | null> {
  const t = req.transcript;
  if (t.status !== 'available' || !t.id || !t.meetingId) return null;
  const reader = deps.reader.meetings!;
  const ctx = await contextOf(deps, contexts, t.meetingId, t.meetingTopic);
  const txt = await readAll(await reader.openTranscript(t.id, 'txt'));
  const vtt = await readAll(await reader.openTranscript(t.id, 'vtt'));
  const base = `meeting-transcript-${safeName(ctx.info.start ?? t.startTime)}`;
  const files = [await storeFile(deps, t.id, 'vtt', `${base}.vtt`, 'text/vtt', vtt), await storeFile(deps, t.id, 'txt', `${base}.txt`, 'text/plain', txt)];
  const host = ctx.info.host ?? (await personOf(deps, t.hostUserId)) ?? ctx.participants[0] ?? unknownPerson(t.hostUserId ?? '');
  if (host.email === UNKNOWN_EMAIL) deps.logger.warn({ transcriptId: t.id, meetingId: t.meetingId }, 'transcript of a meeting without a host or participant with an email; archived from ' + UNKNOWN_EMAIL);
  const created = isoOrNull(t.startTime) ?? ctx.info.start ?? new Date(0).toISOString();
  const raw = buildRawMessage({
    source: req.source,
    event: 'created',
    capturedAt: (deps.now ?? (() => new Date()))(),
    message: { id: t.id, roomId: t.meetingId, personId: host.personId, personEmail: host.email, text: transcriptBodyText(txt), created },
    room: { id: t.meetingId, title: ctx.info.title, type: 'group', created: ctx.info.start ?? created },
    team: null,
    memberships: ctx.participants.map((p) => ({ personId: p.personId, personEmail: p.email, personDisplayName: p.displayName })),
    participantsSource: null,
    sender: host,
    files,
  });
  return asMeetingItem(raw, 'meeting-transcript', ctx.info);
}

/** The transcript of a meetingTranscripts event or webhook (its data names the transcript and meeting). */
export async function findTranscript(reader: MeetingReader, data: Record<string, unknown>): Promise<WxMeetingTranscript | null> {
  const id = str(data.id), meetingId = str(data.meetingId);
  if (!id || !meetingId) return null;
  return (await reader.listMeetingTranscripts(meetingId).catch(notFoundAs([]))).find((t) => t.id === id) ?? null;
}

function asMeetingItem(raw: RawMessage, kind: 'meeting-message' | 'meeting-transcript', meeting: MeetingInfo): RawMessage {
  return { ...raw, message: { ...raw.message, roomType: 'meeting' }, room: { ...raw.room, type: 'meeting' }, kind, meeting };
}

async function senderOf(deps: CaptureDeps, ctx: MeetingContext, personId: string, email: string | undefined): Promise<Person | null> {
  if (email) {
    const known = ctx.participants.find((p) => p.email === email.toLowerCase());
    return { personId, email: email.toLowerCase(), displayName: known?.displayName ?? email };
  }
  const found = await personOf(deps, personId);
  if (found) return found;
  // No sender to name (a snapshot without one): the host stands in, so the item still has a From.
  return ctx.info.host ?? ctx.participants[0] ?? null;
}

async function personOf(deps: CaptureDeps, personId: string | undefined): Promise<Person | undefined> {
  const p = personId ? await deps.rooms.person(personId) : undefined;
  const email = p?.emails?.[0];
  return email ? { personId: personId!, email: email.toLowerCase(), displayName: p?.displayName ?? email } : undefined;
}

function recipientPerson(ctx: MeetingContext, r: MeetingMessageRecipient): Person | null {
  const email = (r.personEmail ?? r.guestEmail)?.toLowerCase();
  if (!email) return null;
  const known = ctx.participants.find((p) => p.email === email);
  return { personId: r.personId ?? known?.personId ?? '', email, displayName: r.guestDisplayName ?? known?.displayName ?? email };
}

async function storeFile(deps: CaptureDeps, transcriptId: string, format: string, name: string, contentType: string, bytes: Buffer): Promise<FileRef> {
  const stored = await deps.blob.putContentAddressed(deps.attachmentsContainer, Readable.from([bytes]), { contentType });
  return {
    contentId: `transcript-${format}`, url: `meetingTranscripts:${transcriptId}/${format}`, name, contentType,
    size: stored.size, sha256: stored.sha256, blobName: stored.blobName, container: deps.attachmentsContainer, status: 'stored',
  };
}

/**
 * What of the txt goes in the body (and so in the Kafka records): all of it up to 1 MiB, else its
 * first lines up to that (the email says so; the attached files are whole). Records may be 16 MiB
 * (src/kafka/topics.ts), but a plan holds the text twice (text and HTML), and hours of transcript
 * are a few hundred KB: the cap only keeps a pathological one from stalling its partition.
 */
export const TRANSCRIPT_BODY_MAX_BYTES = 1024 * 1024;

export function transcriptBodyText(txt: Buffer): string {
  if (txt.length <= TRANSCRIPT_BODY_MAX_BYTES) return txt.toString('utf8');
  const cut = txt.lastIndexOf(0x0a, TRANSCRIPT_BODY_MAX_BYTES);
  return txt.subarray(0, cut > 0 ? cut + 1 : TRANSCRIPT_BODY_MAX_BYTES).toString('utf8').replace(/\uFFFD$/, '');
}


function notFoundAs<T>(value: T): (err: unknown) => T {
  return (err) => {
    if (err instanceof ArchiverError && err.code === 'NOT_FOUND') return value;
    throw err;
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function isoOrNull(t: string | undefined): string | null {
  return t && !Number.isNaN(Date.parse(t)) ? new Date(t).toISOString() : null;
}

function safeName(t: string): string {
  return t.replace(/[^0-9A-Za-z]+/g, '-').replace(/-+$/, '');
}

/**
 * The address of a meeting item's author when Webex names nobody with an email: in the reserved
 * `.invalid` domain (RFC 2606 §2), so it is nobody's mailbox and route reports the item as
 * `unmapped` instead of it disappearing.
 */
export const UNKNOWN_EMAIL = 'unknown-participant@meeting.invalid';

function unknownPerson(personId: string): Person {
  return { personId, email: UNKNOWN_EMAIL, displayName: 'Unknown participant (Webex gave no email)' };
}
