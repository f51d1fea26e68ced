import type { Output } from '../../kafka/publisher.js';
import type { AttachmentRef, EmailPlan } from '../../kafka/records.js';
import { outcome } from '../../kafka/outcome.js';
import { isTranscriptPlan } from '../transcript/transform.js';

export interface LimitPolicy {
  maxItemBytes: number;
  oversizePolicy: 'reject' | 'strip-attachments';
  /** Transcript mode: only room-day transcripts go on; message versions wait for the transcript job. */
  transcriptMode?: boolean;
}

/**
 * Enforces the maximum item size on the encoded MIME (what the mailbox will store), computed
 * exactly from the plan without reading attachment bytes.
 * - within the limit: passes whole;
 * - `reject`: a `rejected` outcome with both sizes; nothing is imported;
 * - `strip-attachments`: the largest attachments are replaced by placeholders (name, size,
 *   SHA-256, container and blob name of the original) until the item fits; if the text alone is
 *   still too large, the item is rejected.
 * Either way the originals stay in blob storage: nothing is lost.
 * In transcript mode a message version is filtered out here (`[]`): it stays in webex.unique.v1,
 * where the transcript job reads it, also when it arrives after its day's transcript was built
 * (the next run builds that room-day again: transcript/late-versions.ts).
 */
/** The encoded size of a plan and of each attachment's part, as it is and stripped (mail/render.ts encodedSizeParts). */
export interface SizeParts { total: number; attachments: { asIs: number; stripped: number }[] }

export function limitPlan(plan: EmailPlan, policy: LimitPolicy, sizeParts: (plan: EmailPlan) => SizeParts, now: Date): Output<'limited' | 'outcomes'>[] {
  if (policy.transcriptMode && !isTranscriptPlan(plan)) return [];
  const parts = sizeParts(plan);
  const full = parts.total;
  if (full <= policy.maxItemBytes) {
    return [{ topic: 'limited', key: plan.roomId, value: { ...plan, limit: { decision: 'pass', encodedBytes: full, limitBytes: policy.maxItemBytes, strippedCount: 0, renderedBytes: full } } }];
  }
  const reject = (reason: string) => [outcome('rejected', 'limit', plan, { reason, size: full, at: now.toISOString() })];
  if (policy.oversizePolicy === 'reject') {
    return reject(`item is ${full} bytes encoded, over the ${policy.maxItemBytes}-byte limit (policy reject)`);
  }
  const stripped = stripUntilFits(plan, policy.maxItemBytes, parts);
  if (!stripped) {
    return reject(`item is over the ${policy.maxItemBytes}-byte limit even without its attachments (${full} bytes with them)`);
  }
  const strippedCount = stripped.plan.attachments.filter((a) => a.status === 'stripped').length;
  // renderedBytes: the size of what stage renders, the stripped plan, so stage need not size it again.
  return [{ topic: 'limited', key: plan.roomId, value: { ...stripped.plan, limit: { decision: 'strip', encodedBytes: full, limitBytes: policy.maxItemBytes, strippedCount, renderedBytes: stripped.size } } }];
}

function stripUntilFits(plan: EmailPlan, max: number, parts: SizeParts): { plan: EmailPlan; size: number } | null {
  // Largest first: the fewest placeholders for the biggest saving. Ties broken by position for determinism.
  const order = plan.attachments
    .map((a, i) => ({ a, i }))
    .filter(({ a }) => a.status === 'stored')
    .sort((x, y) => y.a.size - x.a.size || x.i - y.i);
  const attachments: AttachmentRef[] = [...plan.attachments];
  // Each strip swaps one attachment's part for its placeholder and changes nothing else.
  let size = parts.total;
  for (const { i } of order) {
    attachments[i] = { ...attachments[i]!, status: 'stripped' };
    size += parts.attachments[i]!.stripped - parts.attachments[i]!.asIs;
    if (size <= max) return { plan: { ...plan, attachments }, size };
  }
  return null;
}
