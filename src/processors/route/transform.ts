import type { Output } from '../../kafka/publisher.js';
import type { ImportTask, StagedItem } from '../../kafka/records.js';
import { outcome } from '../../kafka/outcome.js';
import { mapParticipant, type UserMap } from './user-map.js';

export interface RoutePolicy {
  unmappedPolicy: 'fallback' | 'record';
  fallbackMailbox: string;
}

/**
 * Inline bytes one item may fan out to across all its import tasks. Beyond it the tasks carry
 * only the claim check (container and blob name) and import reads the .eml from the blob (once
 * per process, read-cache.ts). Inlining saves a blob read per copy, which matters for the chat of
 * a few people; a 64 KiB item in a 1,000-member space inlined would be 64 MB of tasks for one
 * message. With this cap route's output is a small multiple of its input (a task per participant,
 * each a few hundred bytes), so the runner bounds a chunk's memory by its input bytes (chunkBytes).
 */
export const INLINE_FANOUT_BYTES = 1024 * 1024;

/**
 * One import task per mailbox for a staged item. Two participants that map to the same mailbox
 * (e.g. several external people to the fallback) yield one task: one copy per mailbox.
 * Unmapped participants are never silently dropped: with policy `record` (or no fallback mailbox)
 * each gets an `unmapped` outcome.
 */
export function routeItem(item: StagedItem, map: UserMap, policy: RoutePolicy, now: Date): Output<'imports' | 'outcomes'>[] {
  const tasks = new Map<string, ImportTask>();
  const out: Output<'imports' | 'outcomes'>[] = [];
  const participants = [...item.participants].sort((a, b) => a.email.localeCompare(b.email));
  for (const p of participants) {
    const m = mapParticipant(p.email, map);
    let mailbox: string | null = m.kind === 'mailbox' ? m.mailbox : null;
    const viaFallback = mailbox === null;
    if (mailbox === null && policy.unmappedPolicy === 'fallback' && policy.fallbackMailbox) mailbox = policy.fallbackMailbox;
    if (mailbox === null) {
      out.push(outcome('unmapped', 'route', item, { participantEmail: p.email, reason: 'participant is external or unmapped and no fallback mailbox applies', at: now.toISOString() }));
      continue;
    }
    if (tasks.has(mailbox)) continue;
    tasks.set(mailbox, {
      mailbox,
      participantEmail: p.email,
      viaFallback,
      itemId: item.itemId,
      webexMessageId: item.webexMessageId,
      roomId: item.roomId,
      messageId: item.messageId,
      date: item.date,
      webexCreated: item.webexCreated,
      container: item.container,
      blobName: item.blobName,
      size: item.size,
      sha256: item.sha256,
      partial: item.partial,
      inline: null,
    });
  }
  const inline = item.inline && item.inline.length * tasks.size <= INLINE_FANOUT_BYTES ? item.inline : null;
  for (const task of tasks.values()) out.push({ topic: 'imports', key: task.mailbox, value: { ...task, inline } });
  return out;
}
