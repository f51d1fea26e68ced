import type { CaptureSource, MembershipChange, ParticipantsSource } from '../kafka/records.js';
import type { CrawlSource } from './crawl-source.js';
import { changeFromEvent, findLeave } from './membership-change.js';
import { kafkaMembershipStore, type MembershipStore } from './membership-store.js';
import type { MembershipTimeline } from './membership-timeline.js';
import type { WxMembership } from './webex-reader.js';

/**
 * The participants of an item at its own time, for hydrate and the crawler alike: the membership
 * timeline over the current membership (membership-timeline.ts).
 *
 * The crawler reads every membership event up to now before any message (crawler.ts), so its
 * timeline is complete since its coverage. Hydrate cannot wait for webhooks: Webex documents no
 * delivery order, so a message can be hydrated before the join or leave that preceded it, by
 * which time the person may have left and the current membership no longer shows them. So with
 * `syncEvents`, before answering for an item at `at`, the memberships events from `at` to now are
 * read (once per range; the newest end again after SYNC_STALE_MS) and recorded: whoever was there
 * at `at` and left since is then known, and so is whoever joined since.
 *
 * Someone the timeline shows joined who is not a member now left at a time it has not seen:
 * their leave is looked up once (and again after RETRY_MS while Webex shows none) and recorded.
 */
export type ParticipantsOf = (roomId: string, at: string, current: WxMembership[]) => Promise<{ members: WxMembership[]; source: ParticipantsSource }>;

const RETRY_MS = 60_000;
const SYNC_STALE_MS = 2_000;
const SKEW_MS = 5_000;

export interface ParticipantsDeps {
  store: MembershipStore;
  events: Pick<CrawlSource, 'listEvents'>;
  source: CaptureSource;
  syncEvents?: boolean;
  now?: () => Date;
}

export function participantsResolver(deps: ParticipantsDeps): ParticipantsOf {
  const now = deps.now ?? (() => new Date());
  const tried = new Map<string, number>();
  let synced: { timeline: MembershipTimeline; from: string; to: string } | undefined;
  // Items of several rooms are hydrated at once; one sync at a time reads each range once.
  let syncing: Promise<void> = Promise.resolve();

  async function record(events: { from: string; to?: string }): Promise<void> {
    const changes: MembershipChange[] = [];
    for await (const e of deps.events.listEvents({ resource: 'memberships', from: events.from, to: events.to })) {
      const c = changeFromEvent(e, deps.source, now());
      if (c) changes.push(c);
    }
    await deps.store.record(changes);
  }

  async function sync(timeline: MembershipTimeline, at: string): Promise<void> {
    const end = now();
    // The next read starts a little before our now, in case our clock runs ahead of Webex's.
    const to = new Date(end.getTime() - SKEW_MS).toISOString();
    const from = at;
    if (synced?.timeline !== timeline) synced = undefined;
    if (!synced) {
      await record({ from });
      synced = { timeline, from, to };
    } else {
      if (from < synced.from) { await record({ from, to: synced.from }); synced.from = from; }
      if (end.getTime() - Date.parse(synced.to) > SYNC_STALE_MS) { await record({ from: synced.to }); synced.to = to; }
    }
    // Complete from where the sync began: a webhook is about something that just happened, well
    // inside the Events API's 90 days, so what Webex answers is all there is.
    timeline.coverFrom(synced.from);
  }

  async function resolveLeaves(unresolved: readonly MembershipChange[]): Promise<MembershipChange[]> {
    const found: MembershipChange[] = [];
    for (const joined of unresolved) {
      const key = `${joined.membershipId}|${joined.at}`;
      const last = tried.get(key);
      // Found once, the leave is in the timeline: never looked up again (Infinity); else retried.
      if (last !== undefined && now().getTime() - last < RETRY_MS) continue;
      tried.set(key, now().getTime());
      if (tried.size > 10_000) tried.delete(tried.keys().next().value as string);
      const leftAt = await findLeave(deps.events, joined);
      if (leftAt) tried.set(key, Infinity);
      if (leftAt) found.push({ ...joined, change: 'left', at: new Date(leftAt).toISOString(), source: deps.source, observedAt: now().toISOString() });
    }
    return found;
  }

  return async (roomId, at, current) => {
    const timeline = await deps.store.timeline();
    if (deps.syncEvents) {
      const run = syncing.then(() => sync(timeline, at));
      syncing = run.catch(() => undefined);
      await run;
    }
    let answer = timeline.participantsAt(roomId, at, current);
    const found = await resolveLeaves(answer.unresolved);
    if (found.length) {
      await deps.store.record(found);
      answer = timeline.participantsAt(roomId, at, current);
    }
    return { members: answer.members, source: answer.source };
  };
}

/** The timeline store and the resolver on it, as hydrate (syncEvents) and the crawler wire them. */
export function membershipCapture(deps: Parameters<typeof kafkaMembershipStore>[0], events: Pick<CrawlSource, 'listEvents'>, source: CaptureSource, opts: { syncEvents?: boolean } = {}): { memberships: MembershipStore; participants: ParticipantsOf } {
  const memberships = kafkaMembershipStore(deps);
  return { memberships, participants: participantsResolver({ store: memberships, events, source, syncEvents: opts.syncEvents }) };
}
