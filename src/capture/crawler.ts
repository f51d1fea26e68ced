import type { Output, Publisher } from '../kafka/publisher.js';
import type { MembershipChange, MessageEvent, RawMessage } from '../kafka/records.js';
import { ArchiverError } from '../errors.js';
import { captureMessage, type CaptureDeps } from './capture-message.js';
import type { CheckpointStore } from './checkpoints.js';
import { changeFromEvent } from './membership-change.js';
import { captureMembershipItem, captureModeratorItem, captureRoomItem, captureSubmissionItem } from './membership-item.js';
import { captureMeetingMessage, captureMeetingTranscript, findTranscript, type MeetingContexts } from './meeting-item.js';
import { COVERAGE_CHECKPOINT, type MembershipStore } from './membership-store.js';
import { walkEvents } from './event-walk.js';
import { mapByKey, mapInOrder } from '../kafka/keyed-concurrency.js';
import { deletedMessageStub } from './deleted-stub.js';
import { LIST_MAX, type CrawlSource, type WxEvent } from './crawl-source.js';
import type { WxAttachmentAction, WxMessage } from './webex-reader.js';

export interface CrawlerDeps extends CaptureDeps {
  source: CrawlSource;
  publisher: Publisher;
  checkpoints: CheckpointStore;
  progress?: (p: CrawlProgress) => void;
  /** The membership timeline; with it, membership events are crawled first (crawlMemberships). */
  memberships?: MembershipStore;
}

/** `done` of `total` rooms for backfill; for events, `done` pages read so far (`total` 0: a list's length is not known ahead). */
export interface CrawlProgress { phase: 'memberships' | 'events' | 'backfill'; done: number; total: number; published: number; detail: string }

const EVENTS_CHECKPOINT = 'events';
const MEMBERSHIPS_CHECKPOINT = 'events:memberships';
const BATCH = 100;
/**
 * Items captured at once. Their Webex reads and file downloads share the client's in-flight limit
 * (WXA_WEBEX_MAX_IN_FLIGHT, src/webex/limiter.ts), which is what bounds Webex; a small file's blob upload
 * happens after its download gave the slot back, so more items than Webex slots keep both busy.
 */
export const CAPTURE_CONCURRENCY = 16;

export interface CrawlOptions { now: Date; overlapMinutes: number; firstRunLookbackHours?: number; /** Events per page, 1–1000 (default 1000, the API's largest). */ pageSize?: number }

const walkOptions = (opts: CrawlOptions) => ({ now: opts.now, overlapMinutes: opts.overlapMinutes, firstRunLookbackHours: opts.firstRunLookbackHours ?? 24 * 90, pageSize: opts.pageSize ?? LIST_MAX });

/**
 * The reconciliation crawl: reads message events (created, updated, deleted) from the events
 * checkpoint to now at page capacity (event-walk.ts) and publishes the same raw records hydrate
 * would. The checkpoint moves only after a page's records are durably in Kafka, so a crawler
 * killed mid-run resumes at that page and misses nothing (dedupe drops what it repeats).
 */
export async function crawlEvents(deps: CrawlerDeps, opts: CrawlOptions): Promise<{ published: number; pages: number; membershipChanges: number; changeItems: number; meetingItems: number }> {
  // Every join and leave up to now first, so each message version, whatever its page, meets
  // the people who were there at its time, those who left after it included.
  const membershipChanges = deps.memberships ? await crawlMemberships(deps, deps.memberships, opts) : 0;
  // With the timeline, each join, leave, moderator change, room change and card submission is also
  // an item, published with the messages (WXA_CAPTURE_MEMBERSHIPS, _ROOMS, _ATTACHMENT_ACTIONS).
  const changes = deps.memberships ? (deps.captureChanges ?? { memberships: true, rooms: true }) : { memberships: false, rooms: false, attachmentActions: false };
  // In-meeting chat exists only as compliance events (no webhook): this is its one capture path.
  // Transcripts also come by webhook; the crawl catches what a webhook missed (WXA_CAPTURE_MEETING_*).
  const meetings = deps.reader.meetings ? { messages: deps.captureChanges?.meetingMessages !== false, transcripts: deps.captureChanges?.meetingTranscripts !== false } : { messages: false, transcripts: false };
  const resources = ['messages', ...(changes.memberships ? ['memberships'] : []), ...(changes.rooms ? ['rooms'] : []), ...(changes.attachmentActions !== false ? ['attachmentActions'] : []),
    ...(meetings.messages ? ['meetingMessages'] : []), ...(meetings.transcripts ? ['meetingTranscripts'] : [])];
  // Each meeting is read once per crawl (its title, host, participants), whatever its items.
  const contexts: MeetingContexts = new Map();
  let changeItems = 0;
  let meetingItems = 0;
  const walked = await walkEvents(deps, EVENTS_CHECKPOINT, resources, walkOptions(opts), {
    page: async (resource, events) => {
      // Archive a page in the order things happened (Webex documents no order for /events).
      const sorted = [...events].sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
      let published = 0;
      // Published in that order, BATCH records a send, while the next ones are being captured.
      await mapInOrder(sorted, CAPTURE_CONCURRENCY, BATCH, (e) => (resource === 'messages' ? rawFromEvent(deps, e) : resource.startsWith('meeting') ? meetingItemFromEvent(deps, e, contexts) : changeItemFromEvent(deps, e)), async (raws) => {
        const out: Output<'raw'>[] = raws.filter((r): r is RawMessage => r !== null).map((raw) => ({ topic: 'raw', key: raw.message.roomId, value: raw }));
        await deps.publisher.publish(out);
        for (const o of out) {
          const kind = o.value.kind ?? 'message';
          if (kind === 'message') published++; else if (kind.startsWith('meeting-')) meetingItems++; else changeItems++;
        }
      });
      return published;
    },
    progress: (p) => deps.progress?.({ phase: 'events', done: p.pages, total: 0, published: p.published, detail: p.detail }),
  });
  return { published: walked.published, pages: walked.pages, membershipChanges, changeItems, meetingItems };
}

/** An in-meeting message version (meetingMessages created/updated/deleted) or a transcript (meetingTranscripts). */
async function meetingItemFromEvent(deps: CrawlerDeps, e: WxEvent, contexts: MeetingContexts): Promise<RawMessage | null> {
  if (e.resource === 'meetingMessages') {
    if (e.type !== 'created' && e.type !== 'updated' && e.type !== 'deleted') return null;
    return captureMeetingMessage(deps, { data: e.data, event: e.type as MessageEvent, at: new Date(e.created).toISOString(), actorId: e.actorId ?? null, source: 'crawler' }, contexts);
  }
  if (e.type === 'deleted' || !deps.reader.meetings) return null;
  const transcript = await findTranscript(deps.reader.meetings, e.data);
  if (!transcript) {
    deps.logger.warn({ transcriptId: e.data.id, meetingId: e.data.meetingId }, 'transcript event whose transcript its meeting no longer lists; nothing to archive');
    return null;
  }
  // Listed but no longer downloadable (removed in between): nothing to archive, and the run goes
  // on rather than failing on it at every crawl. Hydrate lets the same answer dead-letter.
  return captureMeetingTranscript(deps, { transcript, source: 'crawler' }, contexts).catch((err: unknown) => {
    if (!(err instanceof ArchiverError) || err.code !== 'NOT_FOUND') throw err;
    deps.logger.warn({ transcriptId: transcript.id, meetingId: transcript.meetingId }, 'transcript listed but not downloadable (404); nothing to archive');
    return null;
  });
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

/**
 * The membership timeline from the memberships compliance events, page by page from its own
 * checkpoint. A range read to its end sets the coverage (COVERAGE_CHECKPOINT) to its start if
 * that is earlier: since then the timeline holds every change; before it, items say they used
 * the current membership.
 */
export async function crawlMemberships(deps: CrawlerDeps, store: MembershipStore, opts: CrawlOptions): Promise<number> {
  const timeline = await store.reload();
  let recorded = 0;
  await walkEvents(deps, MEMBERSHIPS_CHECKPOINT, ['memberships'], walkOptions(opts), {
    page: async (_resource, events) => {
      const changes = events.map((e) => changeFromEvent(e, 'crawler', new Date())).filter((c): c is MembershipChange => c !== null);
      await store.record(changes);
      recorded += changes.length;
      return changes.length;
    },
    rangeDone: async (range) => {
      const coverage = await deps.checkpoints.get(COVERAGE_CHECKPOINT);
      if (!coverage || range.from < coverage.cursor) {
        const at = new Date().toISOString();
        await deps.checkpoints.put({ name: COVERAGE_CHECKPOINT, cursor: range.from, complete: true, runStartedAt: at, updatedAt: at, published: 0 });
      }
      timeline.coverFrom(coverage && coverage.cursor < range.from ? coverage.cursor : range.from);
    },
    progress: (p) => deps.progress?.({ phase: 'memberships', done: p.pages, total: 0, published: p.published, detail: p.detail }),
  });
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
    let listed: WxMessage[] = [];
    const flush = async () => {
      const raws = await mapByKey(listed, () => null, CAPTURE_CONCURRENCY, (m) => captureMessage(deps, { messageId: m.id, event: m.updated ? 'updated' : 'created', source: 'crawler', message: m }));
      await deps.publisher.publish(raws.map((raw) => ({ topic: 'raw', key: roomId, value: raw })));
      published += raws.length;
      listed = [];
    };
    for await (const m of deps.source.listMessages(roomId)) {
      if (Date.parse(m.created) < opts.since.getTime()) break;
      listed.push(m);
      if (listed.length >= BATCH) await flush();
    }
    await flush();
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
      if (err instanceof ArchiverError && err.code === 'NOT_FOUND') return deletedMessageStub(e.data, e.created);
      throw err;
    });
    if (!message) return null;
    return captureMessage(deps, { messageId: id, event: 'deleted', source: 'crawler', message, deletedAt: e.created });
  }
  // created/updated snapshots carry the message as it was then: that is the version to keep.
  const snapshot = isMessageSnapshot(e.data) ? e.data : undefined;
  return captureMessage(deps, { messageId: id, event: type, source: 'crawler', message: snapshot, retryNotFound: 1 });
}

function isMessageSnapshot(d: Record<string, unknown>): d is Record<string, unknown> & WxMessage {
  return typeof d.id === 'string' && typeof d.roomId === 'string' && typeof d.personId === 'string' && typeof d.personEmail === 'string' && typeof d.created === 'string';
}
