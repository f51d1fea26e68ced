import type { Outcome, OutcomeKind } from '../kafka/records.js';
import { redriveCommand } from './redrive-command.js';

/** Outcome kinds an operator must look at: the item (or a participant's copy) did not arrive (parked: not yet). */
export const ISSUE_KINDS: ReadonlySet<OutcomeKind> = new Set<OutcomeKind>(['failed', 'parked', 'rejected', 'unmapped']);

export const OUTCOME_KINDS: readonly OutcomeKind[] = ['imported', 'partial', 'duplicate', 'rejected', 'unmapped', 'failed', 'parked', 'rebuilt', 'noted'];

/**
 * One failed, rejected or unmapped item as shown on the dashboard and in the status log: ids,
 * mailbox and reason only. Outcomes never carry message text, and the reason is cut short and
 * flattened to one line so an error message cannot smuggle content or break a CSV row.
 */
export type IssueRow = Pick<Outcome, 'kind' | 'at' | 'processor' | 'itemId' | 'webexMessageId' | 'roomId' | 'mailbox' | 'participantEmail'> & {
  reason: string;
  /** The error code of a failed or parked item (the reason's `CODE:` prefix), else null. */
  code: string | null;
  /** The command that brings a failed or parked item back now (docs/operations.md), else null. */
  redrive: string | null;
};

export function toIssueRow(o: Outcome): IssueRow {
  return {
    code: codeOf(o),
    redrive: o.kind === 'failed' || o.kind === 'parked' ? redriveCommand({ kind: o.kind, processor: o.processor, itemId: o.itemId }) : null,
    kind: o.kind,
    at: o.at,
    processor: o.processor,
    itemId: o.itemId,
    webexMessageId: o.webexMessageId,
    roomId: o.roomId,
    mailbox: o.mailbox,
    participantEmail: o.participantEmail,
    reason: cleanReason(o.reason),
  };
}

function codeOf(o: Outcome): string | null {
  if (o.kind !== 'failed' && o.kind !== 'parked') return null;
  return /^([A-Z_]+):/.exec(o.reason ?? '')?.[1] ?? null;
}


export function cleanReason(reason: string | null): string {
  if (!reason) return '';
  const flat = reason.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

export type OutcomeCounts = Record<OutcomeKind, number>;

export function emptyCounts(): OutcomeCounts {
  return { imported: 0, partial: 0, duplicate: 0, rejected: 0, unmapped: 0, failed: 0, parked: 0, rebuilt: 0, noted: 0 };
}

/** Counts outcomes by kind, keeping only those whose `at` falls in [fromMs, toMs). */
export function countOutcomes(outcomes: Iterable<Outcome>, fromMs: number, toMs: number): OutcomeCounts {
  const counts = emptyCounts();
  for (const o of outcomes) {
    const t = Date.parse(o.at);
    if (t >= fromMs && t < toMs && o.kind in counts) counts[o.kind]++;
  }
  return counts;
}

/** Midnight UTC of the day holding `d`: days in logs and counts are UTC days, like Microsoft's log. */
export function utcDayStart(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/**
 * What an archived item is: a message version, a conversation change (membership, room, card
 * submission), a room-day transcript (transcript mode), an in-meeting message, a meeting transcript.
 */
export type ItemKind = 'message' | 'membership' | 'room' | 'action' | 'transcript' | 'meeting-message' | 'meeting-transcript';
export const ITEM_KINDS: readonly ItemKind[] = ['message', 'membership', 'room', 'action', 'transcript', 'meeting-message', 'meeting-transcript'];
const PREFIXED = new Set<string>(ITEM_KINDS.filter((k) => k !== 'message'));
export type KindCounts = Record<ItemKind, number>;

/** From the item id alone: src/mail/message-id.ts gives every kind but message versions a prefix. */
export function itemKindOf(itemId: string): ItemKind {
  const prefix = itemId.slice(0, itemId.indexOf(':'));
  return PREFIXED.has(prefix) ? (prefix as ItemKind) : 'message';
}

export function emptyKindCounts(): KindCounts {
  return { message: 0, membership: 0, room: 0, action: 0, transcript: 0, 'meeting-message': 0, 'meeting-transcript': 0 };
}

/** Copies imported (fully or partially) per item kind, from import outcomes whose `at` is in [fromMs, toMs). */
export function countImportedByKind(outcomes: Iterable<Outcome>, fromMs: number, toMs: number): KindCounts {
  const counts = emptyKindCounts();
  for (const o of outcomes) {
    const t = Date.parse(o.at);
    if (isImportedCopy(o) && t >= fromMs && t < toMs) counts[itemKindOf(o.itemId)]++;
  }
  return counts;
}

export function isImportedCopy(o: Outcome): boolean {
  return o.processor === 'import' && (o.kind === 'imported' || o.kind === 'partial');
}
