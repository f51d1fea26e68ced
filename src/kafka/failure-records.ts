import type { KafkaMessage } from 'kafkajs';
import type { ArchiverError } from '../errors.js';
import { itemIdOf } from '../mail/message-id.js';
import { outcome } from './outcome.js';
import type { DeadLetter, ParkedRecord } from './records.js';
import type { ParkTopic } from './park-policy.js';
import type { Output } from './publisher.js';

/**
 * The records a failed input leaves behind (pure): a dead letter or a parked record with the
 * original bytes, and beside it the outcome that the status log counts (`failed` or `parked`),
 * so that no item leaves the hot path without a visible, redrivable trace (docs/operations.md).
 */
export interface FailedInput { processor: string; topic: string; partition: number; offset: string; key: string | null; message: KafkaMessage }

export function deadLetterOutput(f: FailedInput, err: ArchiverError, attempts: number, at: Date): Output<'deadLetter'> {
  const value: DeadLetter = { ...origin(f), errorCode: err.code, errorMessage: err.message.slice(0, 2000), attempts, at: at.toISOString() };
  return { topic: 'deadLetter', key: f.key, value };
}

export function parkedOutput(f: FailedInput, err: ArchiverError, to: ParkTopic, parks: number, at: Date, dueAt: Date): Output<ParkTopic> {
  const value: ParkedRecord = { ...origin(f), errorCode: err.code, errorMessage: err.message.slice(0, 2000), parks, parkedAt: at.toISOString(), dueAt: dueAt.toISOString() };
  // One member of the union per retry topic; TypeScript cannot pick it from a union-typed `to`.
  return { topic: to, key: f.key, value } as Output<ParkTopic>;
}

/**
 * The `failed` or `parked` outcome of an input, with the Webex ids and mailbox read from its
 * decoded value where it could be decoded (ids only: the reason is the error code and message,
 * which name ids and sizes, never message text). An undecodable record is named by its origin.
 */
export function failureOutcome(kind: 'failed' | 'parked', f: FailedInput, value: unknown, reason: string, at: Date): Output {
  const ids = identify(value) ?? { itemId: `${f.topic}:${f.partition}:${f.offset}`, webexMessageId: '', roomId: '' };
  return outcome(kind, f.processor, ids, { mailbox: ids.mailbox ?? null, participantEmail: ids.participantEmail ?? null, size: ids.size ?? null, reason: reason.slice(0, 500), at: at.toISOString() });
}

export function failureReason(err: ArchiverError): string {
  return `${err.code}: ${err.message}`;
}

interface Identity { itemId: string; webexMessageId: string; roomId: string; webexCreated?: string | null; mailbox?: string | null; participantEmail?: string | null; size?: number | null }

/** Ids of any record of the pipeline: plans, staged items and import tasks carry them; raw messages and webhooks name the message. */
export function identify(value: unknown): Identity | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  if (str(v.itemId) && str(v.webexMessageId) !== null) {
    return {
      itemId: v.itemId as string, webexMessageId: v.webexMessageId as string, roomId: str(v.roomId) ?? '',
      webexCreated: str(v.webexCreated), mailbox: str(v.mailbox), participantEmail: str(v.participantEmail), size: typeof v.size === 'number' ? v.size : null,
    };
  }
  const m = v.message as Record<string, unknown> | undefined;
  if (m && typeof m === 'object' && str(m.id)) {
    const event = str(v.event) ?? 'created';
    const versionAt = str(v.versionAt);
    const itemId = versionAt && !Number.isNaN(Date.parse(versionAt)) ? itemIdOf(m.id as string, event as 'created' | 'updated' | 'deleted', versionAt) : (m.id as string);
    return { itemId, webexMessageId: m.id as string, roomId: str(m.roomId) ?? '', webexCreated: str(m.created) };
  }
  if (str(v.deliveryId)) return { itemId: `webhook:${v.deliveryId as string}`, webexMessageId: str(v.dataId) ?? '', roomId: str(v.roomId) ?? '' };
  return undefined;
}

function origin(f: FailedInput): Pick<DeadLetter, 'processor' | 'topic' | 'partition' | 'offset' | 'key' | 'value'> {
  return { processor: f.processor, topic: f.topic, partition: f.partition, offset: f.offset, key: f.message.key ?? null, value: f.message.value ?? null };
}
