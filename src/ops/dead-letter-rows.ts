import type { DeadLetter } from '../kafka/records.js';
import { cleanReason } from './outcome-rows.js';
import { redriveCommand } from './redrive-command.js';

/**
 * One dead letter as the dashboard and `trace` show it: where the record came from, why it can
 * never be processed, the ids it carried and the command that sends it back once the cause is
 * fixed (docs/operations.md, "Dead letters and redrive"). Never the record's bytes or text.
 */
export interface DeadLetterRow {
  at: string;
  processor: string;
  topic: string;
  partition: number;
  offset: string;
  errorCode: string;
  reason: string;
  attempts: number;
  /** The item or message id found in the original record, when it has one. */
  itemId: string | null;
  webexMessageId: string | null;
  redrive: string;
}

/**
 * The ids of an original record, whatever its topic: an email plan or later has `itemId` and
 * `webexMessageId`, a raw record has `message.id`, a webhook delivery has `dataId`.
 */
export function idsOf(value: unknown): { itemId: string | null; webexMessageId: string | null } {
  const v = (value ?? {}) as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : null);
  const message = (v.message ?? {}) as Record<string, unknown>;
  return { itemId: str(v.itemId), webexMessageId: str(v.webexMessageId) ?? str(message.id) ?? str(v.dataId) };
}


export function toDeadLetterRow(d: DeadLetter, original: unknown): DeadLetterRow {
  const ids = idsOf(original);
  return {
    at: d.at, processor: d.processor, topic: d.topic, partition: d.partition, offset: d.offset,
    errorCode: d.errorCode, reason: cleanReason(d.errorMessage), attempts: d.attempts, ...ids,
    redrive: redriveCommand({ kind: 'failed', processor: d.processor, ...ids }),
  };
}
