import type { RawMessage } from '../kafka/records.js';
import { itemIdOf } from '../mail/message-id.js';
import { dayRange } from '../processors/transcript/transform.js';

/**
 * Raw message versions (webex.raw.v1) grouped the way an RSMF export needs them: one conversation
 * (room) per UTC day, each message with the versions of that day in order. Pure and
 * deterministic: the same set of records gives the same grouping whatever order they were read in.
 *
 * A version belongs to the UTC day it happened (`versionAt`), as in transcript mode, so each
 * version is in exactly one day's export; an edit made the next morning appears in that day's file
 * under the same event id (the Webex message id), with the original's time as its timestamp.
 * Joins and leaves (raw records of kind `membership`, from the membership timeline) are entries
 * of their own, in time order among the messages.
 */
export interface MessageVersions {
  /** `membership`: a join or a leave (one record, from the membership timeline); else a Webex message. */
  kind: 'message' | 'membership';
  messageId: string;
  created: string;
  parentId: string | null;
  /** Of this day only: the post, then edits by time, then the deletion. */
  versions: RawMessage[];
}

export interface ConversationDay {
  roomId: string;
  day: string;
  messages: MessageVersions[];
}

export function isMembership(raw: RawMessage): boolean {
  return raw.kind === 'membership' && (raw.change?.type === 'joined' || raw.change?.type === 'left');
}

/**
 * What an export holds: message versions, and joins and leaves (RSMF's `join`/`leave` events).
 * Moderator changes, space updates and card submissions have no RSMF event type; they, and
 * meeting chat and transcripts (keyed by their meeting, not a room), are items of the mailbox
 * archive and not part of the RSMF conversation.
 */
function inExport(raw: RawMessage): boolean {
  return (raw.kind ?? 'message') === 'message' || isMembership(raw);
}

/**
 * The identity of a version: a message version's item id; for a join or a leave its membership
 * and change (the webhook and the crawler date a leave differently, so never by its time).
 */
export function versionItemId(raw: RawMessage): string {
  if (isMembership(raw)) return `membership:${raw.change!.id}:${raw.change!.type}`;
  return itemIdOf(raw.message.id, raw.event, raw.versionAt);
}

const EVENT_ORDER = { created: 0, updated: 1, deleted: 2 } as const;
const SOURCE_ORDER: Record<string, number> = { crawler: 0, webhook: 1, test: 2 };

/**
 * One record per message version. The webhook path and the crawl both capture a version, and a
 * replay may publish it again; which copy wins must not depend on read order, so the crawler's
 * (read from the Events API, the authority) is preferred, then the earliest captured.
 */
export function uniqueVersions(records: readonly RawMessage[]): RawMessage[] {
  const best = new Map<string, RawMessage>();
  for (const r of records) {
    const id = versionItemId(r);
    const cur = best.get(id);
    if (!cur || preferred(r, cur)) best.set(id, r);
  }
  return [...best.values()];
}

function preferred(a: RawMessage, b: RawMessage): boolean {
  const s = (SOURCE_ORDER[a.source] ?? 9) - (SOURCE_ORDER[b.source] ?? 9);
  if (s !== 0) return s < 0;
  if (a.capturedAt !== b.capturedAt) return a.capturedAt < b.capturedAt;
  return JSON.stringify(a) < JSON.stringify(b);
}

function byVersion(a: RawMessage, b: RawMessage): number {
  return EVENT_ORDER[a.event] - EVENT_ORDER[b.event] || Date.parse(a.versionAt) - Date.parse(b.versionAt);
}

/** UTC days from `from` to `to` inclusive (YYYY-MM-DD each). */
export function daysBetween(from: string, to: string): string[] {
  const start = dayRange(from).start;
  const end = dayRange(to).start;
  const days: string[] = [];
  for (let t = start; t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** Conversation-days for the given days (and rooms, when a list is given), sorted by day then room. */
export function toConversationDays(records: readonly RawMessage[], days: readonly string[], rooms: readonly string[] = []): ConversationDay[] {
  const wanted = new Set(days);
  const roomSet = new Set(rooms);
  const groups = new Map<string, Map<string, RawMessage[]>>();
  for (const r of uniqueVersions(records)) {
    if (!inExport(r)) continue;
    const day = new Date(Date.parse(r.versionAt)).toISOString().slice(0, 10);
    if (!wanted.has(day) || (roomSet.size > 0 && !roomSet.has(r.message.roomId))) continue;
    const key = `${day}\u0000${r.message.roomId}`;
    const messages = groups.get(key) ?? new Map<string, RawMessage[]>();
    // A join and its leave share the membership id: each is an event of its own.
    const entry = isMembership(r) ? versionItemId(r) : r.message.id;
    const list = messages.get(entry) ?? [];
    list.push(r);
    messages.set(entry, list);
    groups.set(key, messages);
  }
  return [...groups.keys()].sort().map((key) => {
    const [day, roomId] = key.split('\u0000') as [string, string];
    const messages = [...groups.get(key)!.entries()].map(([messageId, versions]): MessageVersions => {
      const sorted = versions.sort(byVersion);
      const first = sorted[0]!;
      if (isMembership(first)) return { kind: 'membership', messageId, created: first.change!.at, parentId: null, versions: [first] };
      return { kind: 'message', messageId, created: first.message.created, parentId: first.message.parentId, versions: sorted };
    }).sort((a, b) => Date.parse(a.created) - Date.parse(b.created) || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    return { roomId, day, messages };
  });
}
