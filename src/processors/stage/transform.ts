import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { StoredBlob } from '../../blob/store.js';
import type { Output } from '../../kafka/publisher.js';
import type { EmailPlan, StagedItem } from '../../kafka/records.js';

/** Deterministic staging name: the same item always lands on the same blob, so a rewrite after a crash is harmless. */
export function stagingBlobName(plan: Pick<EmailPlan, 'itemId' | 'roomId'>): string {
  const room = createHash('sha256').update(plan.roomId).digest('hex').slice(0, 16);
  const item = createHash('sha256').update(plan.itemId).digest('hex');
  return `items/${room}/${item}.eml`;
}

/**
 * Renders the plan's MIME (attachments streamed from blob by the renderer) and writes it to the
 * staging container, recording size and SHA-256 (and the bytes themselves when `write` hands them
 * back: small items travel inline). Rendering is deterministic, so a second write
 * after a crash produces the same bytes under the same name.
 */
export async function stagePlan(
  plan: EmailPlan,
  deps: { stagingContainer: string; render: (plan: EmailPlan) => Readable; write: (container: string, name: string, body: Readable) => Promise<StoredBlob & { inline?: Buffer }> },
): Promise<Output<'staged'>[]> {
  const blobName = stagingBlobName(plan);
  const stored = await deps.write(deps.stagingContainer, blobName, deps.render(plan));
  const staged: StagedItem = {
    itemId: plan.itemId,
    webexMessageId: plan.webexMessageId,
    roomId: plan.roomId,
    event: plan.event,
    messageId: plan.messageId,
    date: plan.date,
    webexCreated: plan.webexCreated,
    container: stored.container,
    blobName: stored.blobName,
    size: stored.size,
    sha256: stored.sha256,
    inline: stored.inline ?? null,
    partial: (plan.limit?.strippedCount ?? 0) > 0,
    strippedCount: plan.limit?.strippedCount ?? 0,
    participants: plan.participants,
  };
  return [{ topic: 'staged', key: plan.roomId, value: staged }];
}
