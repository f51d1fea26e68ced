import type { KafkaMessage } from 'kafkajs';
import type { ArchiverError } from '../errors.js';

/**
 * Non-blocking retries (pure decisions; docs/operations.md "Items that cannot be archived now"):
 * when a record leaves its partition for a retry topic, which topic, and when a retry topic's
 * record is due. Uber's "Reliable Reprocessing" and Spring Kafka's @RetryableTopic describe the
 * pattern: one topic per delay, so each topic's head is always the next record due.
 */
export interface ParkPolicy {
  quickAttempts: number;
  /** Retry topics, shortest delay first; a record parked n times before goes to tiers[min(n, last)]. */
  tiers: readonly { topic: ParkTopic; delayMs: number }[];
}

export type ParkTopic = 'importsRetry1' | 'importsRetry2' | 'importsRetry3';

/** Kafka header that carries how often a record was parked, set by the retry consumer on its way back. */
export const PARKS_HEADER = 'wxa-parks';

/** Header on a record `redrive` sent back: which dead letter or parked record it was (for traces; it also gets real attempts). */
export const REDRIVEN_FROM_HEADER = 'wxa-redriven-from';

/**
 * Park now? A target's own trouble (disposition `park`) at once; what may heal (`retry`) after the
 * quick attempts; never a `pause` (our credentials refused: every record would fail alike, so the
 * partition waits instead of parking the traffic of an outage), never a permanent failure.
 */
export function shouldPark(policy: ParkPolicy | undefined, err: Pick<ArchiverError, 'retriable' | 'disposition'>, attempt: number): policy is ParkPolicy {
  if (!policy || !err.retriable || err.disposition === 'pause') return false;
  return err.disposition === 'park' || attempt >= policy.quickAttempts;
}

/** The retry topic for a record parked `parksBefore` times already, and when it is due back. */
export function parkTier(policy: ParkPolicy, parksBefore: number, now: Date): { topic: ParkTopic; dueAt: Date } {
  const tier = policy.tiers[Math.min(parksBefore, policy.tiers.length - 1)]!;
  return { topic: tier.topic, dueAt: new Date(now.getTime() + tier.delayMs) };
}

/** How often a record was parked before (its PARKS_HEADER), 0 for a first delivery. */
export function parksOf(message: Pick<KafkaMessage, 'headers'>): number {
  const h = message.headers?.[PARKS_HEADER];
  const n = Number(Array.isArray(h) ? h[0]?.toString() : h?.toString());
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Whether a record was sent back by an operator's redrive. */
export function isRedriven(message: Pick<KafkaMessage, 'headers'>): boolean {
  return message.headers?.[REDRIVEN_FROM_HEADER] !== undefined;
}

/**
 * A retry topic's batch: the records due now (timestamp + hold at or before `now`), which are
 * handled, and when the first one that is not due will be, if any (its partition waits till then).
 */
export function splitDue<M extends Pick<KafkaMessage, 'timestamp'>>(messages: readonly M[], holdMs: number, now: number): { due: readonly M[]; nextDueAt: number | null } {
  const notDue = messages.findIndex((m) => Number(m.timestamp) + holdMs > now);
  if (notDue < 0) return { due: messages, nextDueAt: null };
  return { due: messages.slice(0, notDue), nextDueAt: Number(messages[notDue]!.timestamp) + holdMs };
}
