import type { Output } from './publisher.js';
import type { Outcome, OutcomeKind } from './records.js';

/** Builds an outcome record (the per-item status log). Reasons name ids and sizes, never message text. */
export function outcome(
  kind: OutcomeKind,
  processor: string,
  item: { itemId: string; webexMessageId: string; roomId: string; webexCreated?: string | null },
  extra: { mailbox?: string | null; participantEmail?: string | null; reason?: string | null; size?: number | null; at?: string } = {},
): Output<'outcomes'> {
  const value: Outcome = {
    at: extra.at ?? new Date().toISOString(),
    kind,
    processor,
    itemId: item.itemId,
    webexMessageId: item.webexMessageId,
    roomId: item.roomId,
    mailbox: extra.mailbox ?? null,
    participantEmail: extra.participantEmail ?? null,
    reason: extra.reason ?? null,
    size: extra.size ?? null,
    webexCreated: item.webexCreated ?? null,
  };
  return { topic: 'outcomes', key: item.webexMessageId, value };
}
