import type { Output, Publisher } from '../kafka/publisher.js';
import type { MembershipChange, MessageEvent, RawMessage } from '../kafka/records.js';
import { ArchiverError } from '../errors.js';
import { captureMessage, type CaptureDeps } from './capture-message.js';
import type { CheckpointStore } from './checkpoints.js';
import { changeFromEvent } from './membership-change.js';
import { captureMembershipItem, captureModeratorItem, captureRoomItem, captureSubmissionItem } from './membership-item.js';
import { COVERAGE_CHECKPOINT, type MembershipStore } from './membership-store.js';
import { planWindows, type CrawlWindow } from './crawl-window.js';
import type { CrawlSource, WxEvent } from './crawl-source.js';
import type { WxAttachmentAction, WxMessage } from './webex-reader.js';

export interface CrawlerDeps extends CaptureDeps {
  source: CrawlSource;
  publisher: Publisher;
  checkpoints: CheckpointStore;
  progress?: (p: CrawlProgress) => void;
  /** The membership timeline; with it, membership events are crawled first (crawlMemberships). */
  memberships?: MembershipStore;
}

export interface CrawlProgress { phase: 'memberships' | 'events' | 'backfill'; done: number; total: number; published: number; detail: string }

const EVENTS_CHECKPOINT = 'events';
const MEMBERSHIPS_CHECKPOINT = 'events:memberships';
const BATCH = 100;

/**
 * The reconciliation crawl: reads message events (created, updated, deleted) from the events
 * checkpoint, window by window, oldest first, and publishes the same raw records hydrate would.
 * The checkpoint moves only after a window's records are durably in Kafka, so a crawler killed
 * mid-run resumes with that window and misses nothing (dedupe drops what it repeats).
 */
export async function crawlEvents(deps: CrawlerDeps, opts: CrawlOptions): Promise<{ published: number; windows: number; membershipChanges: number; changeItems: number }> {
  // Every join and leave up to now first, so each message version, whatever its window, meets
  // the people who were there at its time, those who left after it included.
  const membershipChanges = deps.memberships ? await crawlMemberships(deps, deps.memberships, opts) : 0;
  // With the timeline, each join and leave is also an item, published with the messages of its window.
  const changes = deps.memberships ? (deps.captureChanges ?? { memberships: true, rooms: true }) : { memberships: false, rooms: false, attachmentActions: false };
  const resources = ['messages', ...(changes.memberships ? ['memberships'] : []), ...(changes.rooms ? ['rooms'] : []), ...(changes.attachmentActions !== false ? ['attachmentActions'] : [])];
  const runStartedAt = new Date().toISOString();
  const windows = await windowsFrom(deps, EVENTS_CHECKPOINT, opts);
  let published = 0;
  let changeItems = 0;
  for (const [i, w] of windows.entries()) {
    const events: WxEvent[] = [];
    for (const resource of resources) for await (const e of deps.source.listEvents({ resource, from: w.from, to: w.to })) events.push(e);
    // The API lists newest first; archive in the order things happened.
    events.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    let pending: Output[] = [];
    const flush = async () => {
      await deps.publisher.publish(pending);
      for (const o of pending) if (((o.value as RawMessage).kind ?? 'message') === 'message') published++; else changeItems++;
      pending = [];
    };
    for (const e of events) {
      const raw = e.resource === 'messages' ? await rawFromEvent(deps, e) : await changeItemFromEvent(deps, e);
      if (raw) pending.push({ topic: 'raw', key: raw.message.roomId, value: raw });
      if (pending.length >= BATCH) await flush();
    }
    await flush();
    await deps.checkpoints.put({ name: EVENTS_CHECKPOINT, cursor: w.to, complete: i === windows.length - 1, runStartedAt, updatedAt: new Date().toISOString(), published });
    deps.progress?.({ phase: 'events', done: i + 1, total: windows.length, published, detail: `events up to ${w.to}` });
  }
  return { published, windows: windows.length, membershipChanges, changeItems };
}

/** A conversation change from its compliance event: joins, leaves, moderator changes, room updates. */
async function changeItemFromEvent(deps: CrawlerDeps, e: WxEvent): Promise<RawMessage | null> {
  const req = { at: new Date(e.created).toISOString(), actorId: e.actorId ?? null, source: 'crawler' as const };
  if (e.resource === 'rooms') return e.type === 'updated' ? captureRoomItem(deps, { ...req, room: e.data }) : null;
  if (e.resource === 'attachmentActions') {
    if (e.type !== 'created' || typeof e.data.id !== 'string') return null;
    // The event's snapshot is the action; read it by id when the snapshot lacks the inputs.
    const action = e.data.inputs && typeof e.data.messageId === 'string' ? (e.data as unknown as WxAttachmentAction) : await deps.reader.getAttachmentAction?.(e.data.id);
    return action ? captureSubmissionItem(deps, { action, source: 'crawler' }) : null;
  }
  if (e.type === 'updated') return captureModeratorItem(deps, { ...req, membership: e.data });
  const change = changeFromEvent(e, 'crawler', new Date());
  if (!change) return null;
  const since = typeof e.data.created === 'string' ? new Date(e.data.created).toISOString() : change.at;
  return captureMembershipItem(deps, { change, since, actorId: e.actorId ?? null, source: 'crawler' });
}

export interface CrawlOptions { now: Date; overlapMinutes: number; windowMinutes?: number; firstRunLookbackHours?: number }

async function windowsFrom(deps: CrawlerDeps, checkpoint: string, opts: CrawlOptions): Promise<CrawlWindow[]> {
  const cp = await deps.checkpoints.get(checkpoint);
  return planWindows(cp?.cursor ?? null, opts.now, {
    overlapMinutes: opts.overlapMinutes,
    windowMinutes: opts.windowMinutes ?? 60,
    firstRunLookbackHours: opts.firstRunLookbackHours ?? 24 * 90,
  });
}

/**
 * The membership timeline from the memberships compliance events, window by window from its own
 * checkpoint. The first window ever crawled sets the coverage (COVERAGE_CHECKPOINT): since then
 * the timeline holds every change; before it, items say they used the current membership.
 */
export async function crawlMemberships(deps: CrawlerDeps, store: MembershipStore, opts: CrawlOptions): Promise<number> {
  const runStartedAt = new Date().toISOString();
  const timeline = await store.reload();
  const windows = await windowsFrom(deps, MEMBERSHIPS_CHECKPOINT, opts);
  let recorded = 0;
  for (const [i, w] of windows.entries()) {
    const changes: MembershipChange[] = [];
    for await (const e of deps.source.listEvents({ resource: 'memberships', from: w.from, to: w.to })) {
      const c = changeFromEvent(e, 'crawler', new Date());
      if (c) changes.push(c);
    }
    await store.record(changes);
    recorded += changes.length;
    const coverage = await deps.checkpoints.get(COVERAGE_CHECKPOINT);
    if (!coverage || w.from < coverage.cursor) {
      await deps.checkpoints.put({ name: COVERAGE_CHECKPOINT, cursor: w.from, complete: true, runStartedAt, updatedAt: new Date().toISOString(), published: 0 });
    }
    timeline.coverFrom(coverage && coverage.cursor < w.from ? coverage.cursor : w.from);
    await deps.checkpoints.put({ name: MEMBERSHIPS_CHECKPOINT, cursor: w.to, complete: i === windows.length - 1, runStartedAt, updatedAt: new Date().toISOString(), published: recorded });
    deps.progress?.({ phase: 'memberships', done: i + 1, total: windows.length, published: recorded, detail: `membership events up to ${w.to}` });
  }
  return recorded;
}

/**
 * Backfill from `since`: lists every room and its messages (newest first) back to `since`,
 * publishing each message's current version. Rooms finished earlier are skipped on a rerun.
 */
export async function backfill(deps: CrawlerDeps, opts: { since: Date; runId: string }): Promise<{ published: number; rooms: number }> {
  const runStartedAt = new Date().toISOString();
  const rooms: string[] = [];
  for await (const r of deps.source.listRooms()) rooms.push(r.id);
  let published = 0;
  for (const [i, roomId] of rooms.entries()) {
    const name = `backfill:${opts.runId}:${roomId}`;
    if ((await deps.checkpoints.get(name))?.complete) continue;
    let pending: Output[] = [];
    for await (const m of deps.source.listMessages(roomId)) {
      if (Date.parse(m.created) < opts.since.getTime()) break;
      const event: MessageEvent = m.updated ? 'updated' : 'created';
      const raw = await captureMessage(deps, { messageId: m.id, event, source: 'crawler', message: m });
      pending.push({ topic: 'raw', key: roomId, value: raw });
      if (pending.length >= BATCH) { await deps.publisher.publish(pending); published += pending.length; pending = []; }
    }
    await deps.publisher.publish(pending);
    published += pending.length;
    await deps.checkpoints.put({ name, cursor: roomId, complete: true, runStartedAt, updatedAt: new Date().toISOString(), published });
    deps.progress?.({ phase: 'backfill', done: i + 1, total: rooms.length, published, detail: `room ${i + 1}/${rooms.length}` });
  }
  return { published, rooms: rooms.length };
}

async function rawFromEvent(deps: CrawlerDeps, e: WxEvent): Promise<RawMessage | null> {
  const type = e.type as MessageEvent;
  if (type !== 'created' && type !== 'updated' && type !== 'deleted') return null;
  const id = e.data.id;
  if (typeof id !== 'string') return null;
  if (type === 'deleted') {
    // The snapshot of a deletion has ids only; a compliance officer can still read the message.
    const message = await deps.reader.getMessage(id).catch((err: unknown) => {
      if (err instanceof ArchiverError && err.code === 'NOT_FOUND') return stubFromSnapshot(e);
      throw err;
    });
    if (!message) return null;
    return captureMessage(deps, { messageId: id, event: 'deleted', source: 'crawler', message, deletedAt: e.created });
  }
  // created/updated snapshots carry the message as it was then: that is the version to keep.
  const snapshot = isMessageSnapshot(e.data) ? (e.data as unknown as WxMessage) : undefined;
  return captureMessage(deps, { messageId: id, event: type, source: 'crawler', message: snapshot, retryNotFound: 1 });
}

function isMessageSnapshot(d: Record<string, unknown>): boolean {
  return typeof d.id === 'string' && typeof d.roomId === 'string' && typeof d.personId === 'string' && typeof d.personEmail === 'string' && typeof d.created === 'string';
}

function stubFromSnapshot(e: WxEvent): WxMessage | null {
  const d = e.data;
  if (!isMessageSnapshot({ ...d, created: d.created ?? e.created })) return null;
  return { id: d.id as string, roomId: d.roomId as string, personId: d.personId as string, personEmail: d.personEmail as string, roomType: d.roomType as string | undefined, created: (d.created as string | undefined) ?? e.created };
}
