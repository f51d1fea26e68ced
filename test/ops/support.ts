import type { ImportTask, Outcome, StagedItem, WebhookDelivery } from '../../src/kafka/records.js';

/** Small valid records for the operations tests (ids only; nothing here is message content). */
export function delivery(n: number): WebhookDelivery {
  return { deliveryId: `d${n}`, receivedAt: new Date().toISOString(), webhookId: 'wh1', resource: 'messages', event: 'created', orgId: null, actorId: null, dataId: `msg${n}`, roomId: `room${n % 4}`, body: '{}' };
}

export function staged(itemId: string, participants: string[]): StagedItem {
  return {
    itemId, webexMessageId: `m-${itemId}`, roomId: 'room1', event: 'created', messageId: `<${itemId}@webex-archiver.invalid>`,
    date: new Date().toISOString(), webexCreated: new Date(Date.now() - 5000).toISOString(), container: 'staging', blobName: `${itemId}.eml`,
    size: 100, sha256: 'ab'.repeat(32), partial: false, strippedCount: 0,
    participants: participants.map((email) => ({ personId: `p-${email}`, email, displayName: email })),
  };
}

export function task(item: StagedItem, mailbox: string): ImportTask {
  return {
    mailbox, participantEmail: mailbox, viaFallback: false, itemId: item.itemId, webexMessageId: item.webexMessageId, roomId: item.roomId,
    messageId: item.messageId, date: item.date, webexCreated: item.webexCreated, container: item.container, blobName: item.blobName,
    size: item.size, sha256: item.sha256, partial: item.partial,
  };
}

export function outcomeOf(kind: Outcome['kind'], itemId: string, mailbox: string | null, over: Partial<Outcome> = {}): Outcome {
  const processor = kind === 'rejected' ? 'limit' : kind === 'unmapped' ? 'route' : 'import';
  return { at: new Date().toISOString(), kind, processor, itemId, webexMessageId: `m-${itemId}`, roomId: 'room1', mailbox, participantEmail: mailbox, reason: null, size: 100, webexCreated: new Date(Date.now() - 5000).toISOString(), ...over };
}

/**
 * The value of one sample in Prometheus text: `name` with at least these labels (summed over the
 * samples that match, so a counter split by another label still adds up); 0 when there is none.
 */
export function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** GET a /metrics URL; fails the test on anything but 200. */
export async function scrape(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  return res.text();
}
