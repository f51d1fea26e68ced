import type { Output } from '../../kafka/publisher.js';
import type { EmailPlan } from '../../kafka/records.js';
import { outcome } from '../../kafka/outcome.js';
import { isTranscriptPlan } from './transform.js';

/**
 * Late versions: a message version of a closed day that reached webex.unique.v1 after that day's
 * transcript was built (the daily crawl found it, a webhook was redelivered late). limit holds
 * every version back in transcript mode, so without this it would reach no mailbox. Pure.
 *
 * Which versions count: a day's transcript job runs after the day is over and reads every record
 * written before it started, so a version of an earlier day written at or after the start of the
 * day being built (`dayStart`) may be one the earlier run did not see. The job builds such a
 * room-day again; when nothing was missing the rebuild is identical (same item id, which dedupe
 * drops), otherwise it is a new transcript version and each late version gets a `rebuilt` outcome.
 */
export interface CapturedVersion { plan: VersionRef; timestamp: number }

/** What an outcome needs of a late version: kept instead of the plan, so a backfill's many late versions stay small. */
export type VersionRef = Pick<EmailPlan, 'itemId' | 'webexMessageId' | 'roomId' | 'webexCreated' | 'versionAt'>;

export function versionRef(plan: EmailPlan): VersionRef {
  return { itemId: plan.itemId, webexMessageId: plan.webexMessageId, roomId: plan.roomId, webexCreated: plan.webexCreated, versionAt: plan.versionAt };
}

export function roomDayKey(roomId: string, day: string): string {
  return `${day}\u0000${roomId}`;
}

export function dayOf(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}

/** True for a version of a day before `dayStart` that was written to webex.unique.v1 at or after it. */
export function isLateCandidate(plan: EmailPlan, timestamp: number, dayStart: number): boolean {
  return !isTranscriptPlan(plan) && Date.parse(plan.versionAt) < dayStart && timestamp >= dayStart;
}

/** The transcript day a transcript plan covers (its X-Webex-Transcript-Day header). */
export function transcriptDayOf(plan: EmailPlan): string | null {
  return plan.headers.find((h) => h.name === 'X-Webex-Transcript-Day')?.value ?? null;
}

/** What a room-day already has in webex.unique.v1: its transcripts' item ids, and when the newest was written. */
export interface BuiltRoomDay { itemIds: Set<string>; builtAt: number }

/**
 * The `rebuilt` outcomes for one room-day built again: none when every rebuilt plan already
 * exists (nothing was missing); else one per late version written after the newest existing
 * transcript (all candidates when that time says none, so a late version is never silent).
 */
export function rebuiltOutcomes(day: string, rebuilt: readonly EmailPlan[], built: BuiltRoomDay | undefined, candidates: readonly CapturedVersion[], now: Date): Output[] {
  const fresh = rebuilt.filter((t) => !built?.itemIds.has(t.itemId));
  if (fresh.length === 0) return [];
  const after = candidates.filter((c) => c.timestamp > (built?.builtAt ?? -Infinity));
  const late = new Map((after.length > 0 ? after : candidates).map((c) => [c.plan.itemId, c.plan]));
  const reason = `captured after ${day} had its transcript; that room-day was built again as a new transcript version (${fresh.map((t) => t.itemId).join(', ')}) holding every version of the room-day still in webex.unique.v1`;
  return [...late.values()].map((plan) => outcome('rebuilt', 'transcript', plan, { reason, at: now.toISOString() }));
}
