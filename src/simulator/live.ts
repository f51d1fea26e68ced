import { setTimeout as sleep } from 'node:timers/promises';
import type { SimContext } from './context.js';
import { announceMessageVersion } from './message-events.js';
import { iso } from './store.js';
import { transcriptEventData } from './meeting-views.js';
import type { MeetingRec, MembershipRec, MessageRec, RoomRec } from './store-types.js';
import { actionJson, membershipJson, roomJson } from './views.js';

/**
 * Plays fixture messages as if they happened now: every version (created, each edit, deleted) in
 * time order becomes a compliance event stamped now plus webhook deliveries, so "everything arrives
 * through webhooks" flows can be tested. Held versions (started with `holdMessages`) become visible
 * to REST only as they are played; versions already visible are announced again, which a consumer
 * sees as redeliveries (new event ids, same message ids). With `memberships`, joins and leaves are
 * announced too (`memberships/created`, `memberships/deleted`), interleaved by time. Unless only
 * some messages are played, meetings are played too: each chat message (and its deletion) as a
 * `meetingMessages` event stamped now, without a webhook (Webex has none for meeting chat, so a
 * crawl finds it), and each transcript as a `meetingTranscripts/created` event and webhook.
 */
export interface PlayLiveOptions {
  /** Only these message keys (default: all fixture messages). */
  messages?: string[];
  /** Also announce membership joins, leaves and moderator changes (default false). */
  memberships?: boolean;
  /** Also announce room renames and re-classifications (`rooms/updated`; default false). */
  rooms?: boolean;
  /** Pause between steps, in ms (default 0). */
  intervalMs?: number;
  /** Wait for every webhook delivery to finish before resolving (default true). */
  waitForDeliveries?: boolean;
}

export interface PlayLiveResult {
  /** Message versions played. */
  versions: number;
  /** Membership joins and leaves played. */
  membershipChanges: number;
  /** Moderator changes and room updates played. */
  conversationChanges: number;
  /** Meeting transcripts announced. */
  transcripts: number;
  /** Meeting chat events (created and deleted) added. */
  meetingMessages: number;
  /** Webhook deliveries queued. */
  deliveries: number;
}

type Step = { at: string; order: number } & ({ m: MessageRec; v: number } | { m: MessageRec; submission: number } | { ms: MembershipRec; type: 'created' | 'deleted' } | { ms: MembershipRec; moderator: number } | { room: RoomRec; update: number } | { meeting: MeetingRec; transcript: number } | { meeting: MeetingRec; chat: number; type: 'created' | 'deleted' });

function timeline(ctx: SimContext, opts: PlayLiveOptions): Step[] {
  const wanted = opts.messages ? new Set(opts.messages) : undefined;
  const steps: Step[] = [];
  for (const m of ctx.store.messages.values()) {
    if (wanted && !wanted.has(m.key)) continue;
    if (m.key.startsWith('posted:')) continue;
    m.versions.forEach((ver, v) => steps.push({ m, v, at: ver.at, order: m.seq * 100 + v }));
    m.submissions.forEach((x, i) => steps.push({ m, submission: i, at: x.at, order: m.seq * 100 + 50 + i }));
  }
  if (opts.memberships) {
    for (const ms of ctx.store.memberships) {
      // A join sorts before messages at the same instant, a leave after them.
      steps.push({ ms, type: 'created', at: ms.joined, order: -1 });
      if (ms.left) steps.push({ ms, type: 'deleted', at: ms.left, order: Number.MAX_SAFE_INTEGER });
      ms.moderator.forEach((c, i) => steps.push({ ms, moderator: i, at: c.at, order: -1 }));
    }
  }
  if (opts.rooms) for (const room of ctx.store.rooms.values()) room.updates.forEach((u, i) => steps.push({ room, update: i, at: u.at, order: -1 }));
  if (!wanted) {
    for (const meeting of ctx.store.meetings.values()) {
      meeting.transcripts.forEach((t, i) => { if (t.status === 'available') steps.push({ meeting, transcript: i, at: t.at, order: 0 }); });
      meeting.messages.forEach((x, i) => {
        steps.push({ meeting, chat: i, type: 'created', at: x.at, order: 0 });
        if (x.deleted) steps.push({ meeting, chat: i, type: 'deleted', at: x.deleted, order: 0 });
      });
    }
  }
  return steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
}

/** An update happening now: its compliance event (data filled in at read time) and `<resource>/updated` webhooks. */
function announceUpdate(ctx: SimContext, resource: 'rooms' | 'memberships', byKey: string, eventData: Record<string, unknown>, json: Record<string, unknown>): number {
  const { store } = ctx;
  store.addEvent(resource, 'updated', byKey, iso(ctx.now()), eventData, store.nextName(`live-${resource}:${JSON.stringify(eventData)}`));
  return ctx.webhooks.dispatch(resource, 'updated', store.people.get(byKey)!.id, json);
}

export async function playLive(ctx: SimContext, opts: PlayLiveOptions = {}): Promise<PlayLiveResult> {
  const { store } = ctx;
  const result: PlayLiveResult = { versions: 0, membershipChanges: 0, conversationChanges: 0, transcripts: 0, meetingMessages: 0, deliveries: 0 };
  for (const [i, step] of timeline(ctx, opts).entries()) {
    if (i > 0 && opts.intervalMs) await sleep(opts.intervalMs);
    if ('chat' in step) {
      const x = step.meeting.messages[step.chat]!;
      store.addEvent('meetingMessages', step.type, x.personKey, iso(ctx.now()), { meetingKey: step.meeting.key, messageKey: x.key }, store.nextName(`live-meeting-message:${step.meeting.key}:${x.key}:${step.type}`));
      result.meetingMessages += 1;
    } else if ('transcript' in step) {
      const { meeting, transcript } = step;
      const t = meeting.transcripts[transcript]!;
      store.addEvent('meetingTranscripts', 'created', meeting.hostKey, iso(ctx.now()), { meetingKey: meeting.key, transcriptKey: t.key }, store.nextName(`live-transcript:${meeting.key}:${t.key}`));
      result.transcripts += 1;
      result.deliveries += ctx.webhooks.dispatch('meetingTranscripts', 'created', store.people.get(meeting.hostKey)!.id, transcriptEventData(meeting, t));
    } else if ('submission' in step) {
      const { m, submission } = step;
      if (m.submitted <= submission) m.submitted = submission + 1;
      const x = m.submissions[submission]!;
      store.addEvent('attachmentActions', 'created', x.personKey, iso(ctx.now()), { messageKey: m.key, submission }, store.nextName(`live-action:${m.key}:${submission}`));
      result.conversationChanges += 1;
      // Webhook data is the action without its inputs (webex-api.md §4); GET /attachment/actions/{id} has them.
      result.deliveries += ctx.webhooks.dispatch('attachmentActions', 'created', store.people.get(x.personKey)!.id, actionJson(store, m, submission, false));
    } else if ('m' in step) {
      if (step.m.released <= step.v) step.m.released = step.v + 1;
      result.versions += 1;
      result.deliveries += announceMessageVersion(ctx, step.m, step.v);
    } else if ('room' in step) {
      const { room, update } = step;
      if (room.released <= update) room.released = update + 1;
      result.conversationChanges += 1;
      result.deliveries += announceUpdate(ctx, 'rooms', room.updates[update]!.byKey, { roomKey: room.key, update }, roomJson(store, room, update + 1));
    } else if ('moderator' in step) {
      const { ms, moderator } = step;
      if (ms.released <= moderator) ms.released = moderator + 1;
      result.conversationChanges += 1;
      result.deliveries += announceUpdate(ctx, 'memberships', ms.moderator[moderator]!.byKey, { membershipSeq: ms.seq, moderator }, membershipJson(store, ms, moderator + 1));
    } else {
      const { ms, type } = step;
      store.addEvent('memberships', type, ms.personKey, iso(ctx.now()), { membershipSeq: ms.seq }, store.nextName(`live-membership:${ms.seq}:${type}`));
      result.membershipChanges += 1;
      result.deliveries += ctx.webhooks.dispatch('memberships', type, store.people.get(ms.personKey)!.id, membershipJson(store, ms));
    }
  }
  if (opts.waitForDeliveries !== false) await ctx.webhooks.idle();
  return result;
}
