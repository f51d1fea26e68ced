import { ArchiverError } from '../../errors.js';
import type { AttachmentRef, Conversation, EmailPlan, Person, PlanEvent } from '../../kafka/records.js';
import { cleanHeaderText } from '../../mail/header-encoding.js';
import { transcriptDigest, transcriptItemId, transcriptMessageId } from '../../mail/message-id.js';
import { encodedSize } from '../../mail/render.js';
import { escapeHtml, textToHtml } from '../../mail/safe-html.js';

/**
 * Transcript mode: one email per room per closed UTC day instead of one per message version.
 * Pure and deterministic: the same set of versions gives the same plans (and so the same bytes
 * and Message-IDs), whatever order they were read in.
 *
 * A version belongs to the day it happened (`versionAt`: the post, the edit, the deletion), so
 * every version lands in exactly one day's transcript and a closed day never has to be revisited
 * for an edit made the next morning; within the day, entries follow the messages' created order
 * (ties by message id, then version time), which keeps an edit next to its original.
 */
export const TRANSCRIPT_EVENT: PlanEvent = 'transcript';

export function isTranscriptPlan(plan: Pick<EmailPlan, 'event'>): boolean {
  return plan.event === TRANSCRIPT_EVENT;
}

/** Start and end (exclusive) of a UTC day given as YYYY-MM-DD; BAD_INPUT for anything else. */
export function dayRange(day: string): { start: number; end: number } {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00.000Z`) : NaN;
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day) {
    throw new ArchiverError('BAD_INPUT', `"${day}" is not a day (YYYY-MM-DD, UTC)`);
  }
  return { start, end: start + 86_400_000 };
}

/** The last UTC day that is over at `now`. */
export function previousDay(now: Date): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The day the latest daily run at HH:MM UTC (at or before `now`) builds: yesterday once today's
 * run time has passed, the day before until then. A scheduler started at any time builds this one
 * first, which catches up a run missed while it was down and never builds a day before the
 * crawl that precedes the run has had its chance to find late messages.
 */
export function dueDay(now: Date, hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
  return previousDay(new Date(today <= now.getTime() ? today : today - 86_400_000));
}

/**
 * One transcript per room for `day`, or, when `maxItemBytes` is given and a room-day would not fit
 * in one item of that encoded size, consecutive parts that each do (a single version that is too
 * large on its own gets its own part, which limit treats like that version's own email would
 * be): aggregating a busy day must never turn "strip" or "reject" into losing the whole day.
 */
export function toTranscriptPlans(plans: readonly EmailPlan[], day: string, opts: { maxItemBytes?: number } = {}): EmailPlan[] {
  const { start, end } = dayRange(day);
  const inDay = plans.filter((p) => !isTranscriptPlan(p) && Date.parse(p.versionAt) >= start && Date.parse(p.versionAt) < end);
  const byRoom = new Map<string, EmailPlan[]>();
  for (const p of uniqueVersions(inDay.sort(byCreated))) {
    const list = byRoom.get(p.roomId) ?? [];
    list.push(p);
    byRoom.set(p.roomId, list);
  }
  return [...byRoom.keys()].sort().flatMap((roomId) => {
    const entries = byRoom.get(roomId)!;
    const parts = opts.maxItemBytes === undefined ? [entries] : splitToFit(entries, day, opts.maxItemBytes);
    return parts.map((part, i) => transcriptOf(roomId, day, part, parts.length > 1 ? i + 1 : null));
  });
}

/**
 * Halves a room-day until every part renders within `max` bytes; halving keeps it deterministic.
 * Part numbers are not known while splitting, so the check uses one longer than any real one.
 */
function splitToFit(entries: EmailPlan[], day: string, max: number): EmailPlan[][] {
  if (entries.length === 1 || encodedSize(transcriptOf(entries[0]!.roomId, day, entries, 999_999)) <= max - 256) return [entries];
  const half = Math.ceil(entries.length / 2);
  return [...splitToFit(entries.slice(0, half), day, max), ...splitToFit(entries.slice(half), day, max)];
}

const EVENT_RANK: Record<string, number> = { created: 0, updated: 1, deleted: 2 };

function byCreated(a: EmailPlan, b: EmailPlan): number {
  return Date.parse(a.webexCreated) - Date.parse(b.webexCreated) || cmp(a.webexMessageId, b.webexMessageId) ||
    Date.parse(a.versionAt) - Date.parse(b.versionAt) || (EVENT_RANK[a.event] ?? 3) - (EVENT_RANK[b.event] ?? 3) ||
    cmp(a.source, b.source) || cmp(a.itemId, b.itemId);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A version read twice (a replay of dedupe, webhook and crawler both) appears once: the first in sorted order. */
function uniqueVersions(sorted: EmailPlan[]): EmailPlan[] {
  const seen = new Set<string>();
  return sorted.filter((p) => {
    if (seen.has(p.itemId)) return false;
    seen.add(p.itemId);
    return true;
  });
}

/**
 * The conversation facts of an entry, from its fields. A plan written before the plan carried
 * them (conversation null) gives what its X-Webex-* header fields hold and its whole text: no
 * rendered subject or body is parsed.
 */
function conversationOf(plan: EmailPlan): Conversation {
  if (plan.conversation) return plan.conversation;
  const header = (name: string) => plan.headers.find((h) => h.name === name)?.value ?? null;
  const roomType = header('X-Webex-Room-Type');
  return {
    roomType: roomType === 'direct' || roomType === 'team' ? roomType : 'group',
    roomTitle: null, teamId: header('X-Webex-Team-Id'), teamName: null, parentId: header('X-Webex-Parent-Id'),
    bodyText: plan.text, bodyHtml: plan.html,
  };
}

/** `part` is null for a room-day in one email, else its 1-based number among the day's parts. */
function transcriptOf(roomId: string, day: string, entries: EmailPlan[], part: number | null): EmailPlan {
  const digest = transcriptDigest(entries.map((e) => e.itemId)) + (part === null ? '' : `-p${part}`);
  const label = `transcript ${day}${part === null ? '' : `, part ${part}`}`;
  const participants = unionOfParticipants(entries);
  const first = entries[0]!;
  const roomType = conversationOf(first).roomType;
  const teamId = entries.map((e) => conversationOf(e).teamId).find((t) => t !== null) ?? null;
  const title = roomTitle(entries, roomType, participants);
  const others = participants.filter((p) => p.email !== first.from.address);
  const latest = entries.map((e) => e.versionAt).reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  const attachments = uniqueAttachments(entries);
  const originals = new Map<string, EmailPlan>();
  for (const e of entries) if (!originals.has(e.webexMessageId)) originals.set(e.webexMessageId, e);
  const lines = entries.map((e) => entryOf(e, originals, day));
  const intro = [
    `Webex transcript of ${title}, ${day} (UTC)${part === null ? '' : `, part ${part}`}`,
    `${entries.length} message version${entries.length === 1 ? '' : 's'}; participants: ${participants.map(personLabel).join(', ')}`,
  ];
  return {
    itemId: transcriptItemId(roomId, day, digest),
    webexMessageId: `transcript:${roomId}:${day}`,
    roomId,
    event: TRANSCRIPT_EVENT,
    source: 'transcript',
    versionAt: latest,
    // A transcript has no single Webex created time; empty keeps it out of the capture-latency metric.
    webexCreated: '',
    messageId: transcriptMessageId(roomId, day, digest),
    inReplyTo: null,
    references: [],
    date: latest,
    subject: `Webex: ${title} (${label})`,
    from: first.from,
    to: (others.length ? others : participants).map((p) => ({ name: cleanHeaderText(p.displayName), address: p.email })),
    headers: [
      { name: 'X-Webex-Room-Id', value: roomId },
      ...(teamId ? [{ name: 'X-Webex-Team-Id', value: teamId }] : []),
      { name: 'X-Webex-Room-Type', value: roomType },
      { name: 'X-Webex-Event', value: TRANSCRIPT_EVENT },
      { name: 'X-Webex-Transcript-Day', value: day },
      ...(part === null ? [] : [{ name: 'X-Webex-Transcript-Part', value: String(part) }]),
      { name: 'X-Webex-Transcript-Items', value: String(entries.length) },
      { name: 'X-Webex-Transcript-Digest', value: digest },
    ],
    text: [...intro, '', ...lines.map((l) => l.text)].join('\n'),
    html: [...intro.map((l) => `<p><b>${escapeHtml(l)}</b></p>`), '<hr>', ...lines.map((l) => l.html)].join('\n'),
    attachments,
    participants,
    limit: null,
    conversation: { roomType: roomType === 'direct' || roomType === 'team' ? roomType : 'group', roomTitle: conversationOf(first).roomTitle, teamId, teamName: conversationOf(first).teamName, parentId: null, bodyText: '', bodyHtml: '' },
  };
}

function unionOfParticipants(entries: EmailPlan[]): Person[] {
  const byEmail = new Map<string, Person>();
  for (const e of entries) for (const p of e.participants) if (!byEmail.has(p.email)) byEmail.set(p.email, p);
  return [...byEmail.values()].sort((a, b) => cmp(a.email, b.email));
}

function personLabel(p: { displayName: string; email: string }): string {
  return p.displayName ? `${p.displayName} <${p.email}>` : `<${p.email}>`;
}

/**
 * The room's name: the latest original post's (a space renamed during the day shows its newer
 * name), with its team in front for a team's space, as convert names it in a subject. A 1:1 chat
 * names both people (convert names only "the other one", which depends on the sender).
 */
function roomTitle(entries: EmailPlan[], roomType: string, participants: Person[]): string {
  if (roomType === 'direct') return `chat between ${participants.map((p) => p.displayName || p.email).join(' and ')}`;
  const source = conversationOf([...entries].reverse().find((e) => e.event === 'created') ?? entries[entries.length - 1]!);
  const title = source.roomTitle ?? '(untitled space)';
  return roomType === 'team' && source.teamName ? `${source.teamName} / ${title}` : title;
}

function uniqueAttachments(entries: EmailPlan[]): AttachmentRef[] {
  const seen = new Set<string>();
  const out: AttachmentRef[] = [];
  for (const e of entries) {
    for (const a of e.attachments) {
      const key = `${a.container}\n${a.blobName}\n${a.name}\n${a.status}`;
      if (!seen.has(key)) { seen.add(key); out.push(a); }
    }
  }
  return out;
}

function clock(iso: string, day: string): string {
  return iso.slice(0, 10) === day ? `${iso.slice(11, 19)} UTC` : iso;
}

/** One entry: who, when, what kind of version, then the body convert made without its lead line. */
function entryOf(e: EmailPlan, originals: ReadonlyMap<string, EmailPlan>, day: string): { text: string; html: string } {
  const marks: string[] = [];
  if (e.event === 'updated') marks.push(`edited; message of ${clock(e.webexCreated, day)}`);
  if (e.event === 'deleted') marks.push(`deleted; message of ${clock(e.webexCreated, day)}`);
  const parentId = conversationOf(e).parentId;
  if (parentId) {
    const parent = originals.get(parentId);
    marks.push(parent ? `reply in thread to ${parent.from.name || parent.from.address}, ${clock(parent.webexCreated, day)}` : 'reply in thread to an earlier message');
  }
  const head = `[${clock(e.versionAt, day)}] ${personLabel({ displayName: e.from.name, email: e.from.address })}${marks.length ? ` (${marks.join('; ')})` : ''}`;
  const files = e.attachments.map((a) => `Attachment: ${a.name} (${a.contentType}, ${a.size} bytes${a.status === 'stored' ? '' : `, ${a.status}`})`);
  const { text, html } = bodyOf(e);
  return {
    text: [head, text, ...files, ''].join('\n'),
    html: [`<p><b>${escapeHtml(head)}</b></p>`, html, ...files.map((f) => `<p><em>${escapeHtml(f)}</em></p>`)].join('\n'),
  };
}

/** The entry's own text and HTML: the heading above says already whether it is an edit or a deletion. */
function bodyOf(e: EmailPlan): { text: string; html: string } {
  const c = conversationOf(e);
  return { text: c.bodyText, html: c.bodyHtml ? `<div>${c.bodyHtml}</div>` : textToHtml(c.bodyText) };
}
