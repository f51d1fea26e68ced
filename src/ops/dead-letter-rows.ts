import type { DeadLetter } from '../kafka/records.js';
import { identify } from '../kafka/failure-records.js';
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

/** The ids of an original record, whatever its topic (the same reading `redrive` matches by). */
export function idsOf(value: unknown): { itemId: string | null; webexMessageId: string | null } {
  const ids = identify(value);
  return { itemId: ids?.itemId || null, webexMessageId: ids?.webexMessageId || null };
}


export function toDeadLetterRow(d: DeadLetter, original: unknown): DeadLetterRow {
  const ids = idsOf(original);
  return {
    at: d.at, processor: d.processor, topic: d.topic, partition: d.partition, offset: d.offset,
    errorCode: d.errorCode, reason: cleanReason(d.errorMessage), attempts: d.attempts, ...ids,
    // Without an item id, the dead letter's origin (topic:partition:offset), which redrive's --item also matches.
    redrive: redriveCommand({ kind: 'failed', processor: d.processor, itemId: ids.itemId ?? `${d.topic}:${d.partition}:${d.offset}`, webexMessageId: ids.webexMessageId }),
  };
}
