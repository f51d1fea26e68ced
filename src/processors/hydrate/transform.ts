import type { CaptureDeps } from '../../capture/capture-message.js';
import { captureMessage } from '../../capture/capture-message.js';
import { deletedMessageStub } from '../../capture/deleted-stub.js';
import type { WxMessage } from '../../capture/webex-reader.js';
import { ArchiverError } from '../../errors.js';
import type { Output } from '../../kafka/publisher.js';
import type { MessageEvent, WebhookDelivery } from '../../kafka/records.js';

const MESSAGE_EVENTS = new Set<MessageEvent>(['created', 'updated', 'deleted']);

/**
 * A webhook delivery to raw records. Message deliveries carry metadata only (Webex encrypts the
 * content), so the message is fetched; membership deliveries refresh the room's cached members;
 * other resources are not messages and produce nothing.
 */
export async function hydrateDelivery(delivery: WebhookDelivery, deps: CaptureDeps): Promise<Output<'raw'>[]> {
  if (delivery.resource === 'memberships') {
    if (delivery.roomId) deps.rooms.invalidate(delivery.roomId);
    return [];
  }
  if (delivery.resource !== 'messages' || !MESSAGE_EVENTS.has(delivery.event as MessageEvent)) return [];
  if (!delivery.dataId) throw new ArchiverError('BAD_RECORD', 'message webhook without data.id');
  const event = delivery.event as MessageEvent;
  let fallback: WxMessage | undefined;
  if (event === 'deleted') fallback = deletedStub(delivery);
  const raw = await captureMessage(deps, {
    messageId: delivery.dataId,
    event,
    source: 'webhook',
    deletedAt: event === 'deleted' ? delivery.receivedAt : undefined,
    retryNotFound: 3,
  }).catch(async (err: unknown) => {
    // A compliance officer can still read a deleted message; if even that fails, archive the
    // deletion with what the webhook said (ids, no text) rather than lose it.
    if (fallback && err instanceof ArchiverError && err.code === 'NOT_FOUND') {
      return captureMessage(deps, { messageId: delivery.dataId!, event, source: 'webhook', message: fallback, deletedAt: delivery.receivedAt });
    }
    throw err;
  });
  return [{ topic: 'raw', key: raw.message.roomId, value: raw }];
}

function deletedStub(delivery: WebhookDelivery): WxMessage | undefined {
  let data: Record<string, unknown> = {};
  try { data = (JSON.parse(delivery.body) as { data?: Record<string, unknown> }).data ?? {}; } catch { /* the receiver checked the JSON; no stub then */ }
  return deletedMessageStub(data, delivery.receivedAt) ?? undefined;
}
