import { setTimeout as sleep } from 'node:timers/promises';
import type { CaptureDeps } from '../../capture/capture-message.js';
import type { CrawlSource } from '../../capture/crawl-source.js';
import { findLeave, findUpdateTime, membershipChangeFrom } from '../../capture/membership-change.js';
import { captureMembershipItem, captureModeratorItem, captureRoomItem, captureSubmissionItem } from '../../capture/membership-item.js';
import type { MembershipStore } from '../../capture/membership-store.js';
import { captureMeetingTranscript, findTranscript } from '../../capture/meeting-item.js';
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
 * and go into the membership timeline; a new meeting transcript is captured whole;
 * other resources are not messages and produce nothing.
 */
export async function hydrateDelivery(delivery: WebhookDelivery, deps: HydrateDeps): Promise<Output<'raw' | 'memberships'>[]> {
  if (delivery.resource === 'memberships') {
    if (delivery.roomId) deps.rooms.invalidate(delivery.roomId);
    if (delivery.event === 'updated') return updateOutputs(delivery, deps);
    return deps.memberships ? membershipOutputs(delivery, { ...deps, memberships: deps.memberships }) : [];
  }
  if (delivery.resource === 'attachmentActions') {
    return delivery.event === 'created' && deps.captureChanges?.attachmentActions !== false ? submissionOutputs(delivery, deps) : [];
  }
  if (delivery.resource === 'meetingTranscripts') {
    return delivery.event === 'created' && deps.captureChanges?.meetingTranscripts !== false ? transcriptOutputs(delivery, deps) : [];
  }
  if (delivery.resource === 'rooms') {
    if (delivery.dataId) deps.rooms.invalidate(delivery.dataId);
    return delivery.event === 'updated' ? updateOutputs(delivery, deps) : [];
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
    // The leave just happened: read the last hour of membership events, not all since the join
    // (a member of a year would cost the org's whole 90 days of them per leave).
    const joined = new Date(data.created).toISOString();
    const recent = new Date(Date.parse(delivery.receivedAt) - UPDATE_LOOKBACK_MS).toISOString();
    at = (await findLeave(deps.events, { membershipId: data.id, at: joined }, { from: recent > joined ? recent : joined })) ?? at;
  }
  const c = membershipChangeFrom(data, change, at, 'webhook', now);
  if (!c) throw new ArchiverError('BAD_RECORD', 'membership webhook without id, roomId, personId or personEmail');
  const timeline = await deps.memberships.outputsFor([c]);
  if (deps.captureChanges?.memberships === false) return timeline;
  // The join or leave is also an item of its own, once it is in the timeline (so it reaches the
  // people in the room at that moment, the one who joined or left included).
  const since = typeof data.created === 'string' ? new Date(data.created).toISOString() : c.at;
  const item = await captureMembershipItem(deps, { change: c, since, actorId: delivery.actorId, source: 'webhook' });
  return [...timeline, { topic: 'raw', key: c.roomId, value: item }];
}

/**
 * A moderator change (memberships/updated) or a room update (rooms/updated) as an item. The
 * webhook carries the resource after the change and no time: the time (which also names the
 * item, so the crawl's copy meets this one) is that of the matching compliance event when Webex
 * already shows it (docs/webex-api.md §1, Events), else when we received it.
 */
async function updateOutputs(delivery: WebhookDelivery, deps: HydrateDeps): Promise<Output<'raw'>[]> {
  if (!deps.memberships) return [];
  const moderator = delivery.resource === 'memberships';
  if ((moderator ? deps.captureChanges?.memberships : deps.captureChanges?.rooms) === false) return [];
  const data = parseBody(delivery);
  if (typeof data.id !== 'string') throw new ArchiverError('BAD_RECORD', `${delivery.resource} webhook without data.id`);
  const same = (d: Record<string, unknown>) => (moderator ? d.isModerator === data.isModerator : d.title === data.title && d.classificationId === data.classificationId);
  const from = new Date(Date.parse(delivery.receivedAt) - UPDATE_LOOKBACK_MS).toISOString();
  const found = deps.events ? await findUpdateTime(deps.events, { resource: delivery.resource, id: data.id, from, matches: same }) : undefined;
  const at = new Date(found ?? delivery.receivedAt).toISOString();
  const req = { at, actorId: delivery.actorId, source: 'webhook' as const };
  const item = moderator ? await captureModeratorItem(deps, { ...req, membership: data }) : await captureRoomItem(deps, { ...req, room: data });
  if (!item) throw new ArchiverError('BAD_RECORD', `${delivery.resource} webhook lacks what its item needs (ids, isModerator, actor)`);
  return [{ topic: 'raw', key: item.room.id, value: item }];
}

/** A card submission: its data has no inputs (webex-api.md §4), so the action is read by id. */
async function submissionOutputs(delivery: WebhookDelivery, deps: HydrateDeps): Promise<Output<'raw'>[]> {
  if (!delivery.dataId) throw new ArchiverError('BAD_RECORD', 'attachmentActions webhook without data.id');
  if (!deps.reader.getAttachmentAction) return [];
  const action = await deps.reader.getAttachmentAction(delivery.dataId, { retryNotFound: 3 });
  const item = await captureSubmissionItem(deps, { action, source: 'webhook' });
  if (!item) throw new ArchiverError('BAD_RECORD', 'attachment action lacks its id, message, person, room or time');
  return [{ topic: 'raw', key: item.room.id, value: item }];
}

/**
 * A new meeting transcript: its data names the transcript and its meeting, so the transcript is
 * found in its meeting's list (the Meetings API has no GET by transcript id) and captured whole.
 * Webex may list it a moment after the webhook (REST lags webhooks, docs/webex-api.md §4), so the
 * list is read again a few times; a transcript still missing is NOT_FOUND: dead-lettered and
 * counted (redrive brings it back), never a stalled partition, and the next crawl finds it anyway.
 */
async function transcriptOutputs(delivery: WebhookDelivery, deps: HydrateDeps): Promise<Output<'raw'>[]> {
  if (!deps.reader.meetings) return [];
  const data = parseData(delivery);
  if (typeof data.id !== 'string' || typeof data.meetingId !== 'string') throw new ArchiverError('BAD_RECORD', 'meetingTranscripts webhook without data.id or data.meetingId');
  let transcript = await findTranscript(deps.reader.meetings, data);
  for (let i = 0; !transcript && i < TRANSCRIPT_LIST_RETRIES_MS.length; i++) {
    await sleep(TRANSCRIPT_LIST_RETRIES_MS[i]!);
    transcript = await findTranscript(deps.reader.meetings, data);
  }
  if (!transcript) throw new ArchiverError('NOT_FOUND', `transcript ${data.id} is not listed for its meeting ${data.meetingId}`);
  const item = await captureMeetingTranscript(deps, { transcript, source: 'webhook' });
  return item ? [{ topic: 'raw', key: item.room.id, value: item }] : [];
}

const TRANSCRIPT_LIST_RETRIES_MS = [1000, 3000, 9000];

/** How far back an update's compliance event is looked for (webhooks arrive within seconds). */
const UPDATE_LOOKBACK_MS = 3600_000;

/** The envelope's data: its string fields as the receiver kept them, or, for a record from before it did, parsed from the body. */
function parseData(delivery: WebhookDelivery): Record<string, unknown> {
  return delivery.dataFields ?? parseBody(delivery);
}

/**
 * The envelope's whole data, booleans included, parsed from the body: a moderator change needs
 * `isModerator`, which the receiver's string fields leave out. Such webhooks are rare; messages,
 * the hot path, never parse the body again.
 */
function parseBody(delivery: WebhookDelivery): Record<string, unknown> {
  try {
    return (JSON.parse(delivery.body) as { data?: Record<string, unknown> }).data ?? {};
  } catch {
    return {};
  }
}

function deletedStub(delivery: WebhookDelivery): WxMessage | undefined {
  return deletedMessageStub(parseData(delivery), delivery.receivedAt) ?? undefined;
}
