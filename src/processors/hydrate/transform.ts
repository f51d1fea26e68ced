import type { CaptureDeps } from '../../capture/capture-message.js';
import type { CrawlSource } from '../../capture/crawl-source.js';
import { findLeave, membershipChangeFrom } from '../../capture/membership-change.js';
import { captureMembershipItem } from '../../capture/membership-item.js';
import type { MembershipStore } from '../../capture/membership-store.js';
import { captureMessage } from '../../capture/capture-message.js';
import { deletedMessageStub } from '../../capture/deleted-stub.js';
import type { WxMessage } from '../../capture/webex-reader.js';
import { ArchiverError } from '../../errors.js';
import type { Output } from '../../kafka/publisher.js';
import type { MessageEvent, WebhookDelivery } from '../../kafka/records.js';

const MESSAGE_EVENTS = new Set<MessageEvent>(['created', 'updated', 'deleted']);

export interface HydrateDeps extends CaptureDeps {
  /** The membership timeline; membership webhooks are recorded in it. */
  memberships?: MembershipStore;
  /** Where a leave's time is looked up (membership-change.ts findLeave). */
  events?: Pick<CrawlSource, 'listEvents'>;
}

/**
 * A webhook delivery to raw records. Message deliveries carry metadata only (Webex encrypts the
 * content), so the message is fetched; membership deliveries refresh the room's cached members
 * and go into the membership timeline;
 * other resources are not messages and produce nothing.
 */
export async function hydrateDelivery(delivery: WebhookDelivery, deps: HydrateDeps): Promise<Output<'raw' | 'memberships'>[]> {
  if (delivery.resource === 'memberships') {
    if (delivery.roomId) deps.rooms.invalidate(delivery.roomId);
    return deps.memberships ? membershipOutputs(delivery, { ...deps, memberships: deps.memberships }) : [];
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

/**
 * A join or a leave for the membership timeline. The webhook's data is the Membership resource
 * (docs/webex-api.md §4): a join is dated by its `created`; a leave carries no time, so it is dated by
 * its compliance event when Webex already shows it, else by when we received it.
 */
async function membershipOutputs(delivery: WebhookDelivery, deps: HydrateDeps & { memberships: MembershipStore }): Promise<Output<'raw' | 'memberships'>[]> {
  const change = delivery.event === 'created' ? 'joined' : delivery.event === 'deleted' ? 'left' : null;
  if (!change) return [];
  const data = parseData(delivery);
  const now = (deps.now ?? (() => new Date()))();
  let at = delivery.receivedAt;
  if (change === 'left' && deps.events && typeof data.id === 'string' && typeof data.created === 'string') {
    at = (await findLeave(deps.events, { membershipId: data.id, at: new Date(data.created).toISOString() })) ?? at;
  }
  const c = membershipChangeFrom(data, change, at, 'webhook', now);
  if (!c) throw new ArchiverError('BAD_RECORD', 'membership webhook without id, roomId, personId or personEmail');
  const timeline = await deps.memberships.outputsFor([c]);
  // The join or leave is also an item of its own, once it is in the timeline (so it reaches the
  // people in the room at that moment, the one who joined or left included).
  const since = typeof data.created === 'string' ? new Date(data.created).toISOString() : c.at;
  const item = await captureMembershipItem(deps, { change: c, since, actorId: delivery.actorId, source: 'webhook' });
  return [...timeline, { topic: 'raw', key: c.roomId, value: item }];
}

function parseData(delivery: WebhookDelivery): Record<string, unknown> {
  try {
    return (JSON.parse(delivery.body) as { data?: Record<string, unknown> }).data ?? {};
  } catch {
    return {};
  }
}

function deletedStub(delivery: WebhookDelivery): WxMessage | undefined {
  return deletedMessageStub(parseData(delivery), delivery.receivedAt) ?? undefined;
}
