import type { MembershipChange, ParticipantsSource } from '../kafka/records.js';
import type { WxMembership } from './webex-reader.js';

/**
 * The membership timeline: every join and leave we have seen, per room and person, and from it
 * the people in a room at any instant. Pure; membership-store.ts keeps it in Kafka.
 *
 * A person's state at `t` is that of their last change at or before `t` (a join at `t` counts, a
 * leave at `t` not yet: Webex orders a message sent at the instant of a leave before it). Before
 * their first known change it is the opposite of that change: someone whose first known change is
 * a leave was a member before it, even when their join is older than anything we saw. People the
 * timeline has never seen fall back to the current membership (REST), minus those whose
 * membership was created after `t`.
 *
 * `coverageFrom` is the instant since which every membership change is in the timeline (the
 * crawler's first Events window for memberships; the Events API keeps 90 days, webex-api.md §1).
 * Before it, someone who joined and left earlier is unknowable, so the answer says it used the
 * current membership (`current-membership`), never silently.
 */
export interface ParticipantsAt {
  members: WxMembership[];
  source: ParticipantsSource;
  /**
   * People the timeline shows joined with no leave, who are not members now: they left at a time
   * we have not seen yet; and people whose next leave is dated only by its webhook's arrival, long
   * after `at`. The caller resolves their leave (memberships events) and asks again.
   */
  unresolved: MembershipChange[];
}

export function membershipChangeKey(c: Pick<MembershipChange, 'roomId' | 'personId' | 'change' | 'at'>): string {
  return `${c.roomId}|${c.personId}|${c.change}|${c.at}`;
}

export class MembershipTimeline {
  private readonly rooms = new Map<string, Map<string, MembershipChange[]>>();
  private readonly keys = new Set<string>();
  coverageFrom: string | null = null;

  /** Adds a change; false when it was known already (the same change seen twice). */
  add(c: MembershipChange): boolean {
    const key = membershipChangeKey(c);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    let people = this.rooms.get(c.roomId);
    if (!people) this.rooms.set(c.roomId, (people = new Map()));
    const list = people.get(c.personId) ?? [];
    let i = list.length;
    while (i > 0 && compare(list[i - 1]!, c) > 0) i--;
    list.splice(i, 0, c);
    people.set(c.personId, list);
    return true;
  }

  /** Widens the coverage to start at `from` (coverage only ever grows backwards). */
  coverFrom(from: string): void {
    if (this.coverageFrom === null || from < this.coverageFrom) this.coverageFrom = from;
  }

  changesOf(roomId: string, personId: string): readonly MembershipChange[] {
    return this.rooms.get(roomId)?.get(personId) ?? [];
  }

  participantsAt(roomId: string, at: string, current: readonly WxMembership[]): ParticipantsAt {
    const people = this.rooms.get(roomId) ?? new Map<string, MembershipChange[]>();
    const members: WxMembership[] = [];
    const unresolved: MembershipChange[] = [];
    const currentIds = new Set(current.map((m) => m.personId));
    for (const m of current) {
      const changes = people.get(m.personId);
      if (changes?.length) {
        if (stateAt(changes, at)) members.push(m);
      } else if (!m.created || m.created <= at) {
        members.push(m);
      }
    }
    for (const changes of people.values()) {
      const doubt = approximateLeaveAfter(changes, at);
      if (doubt) unresolved.push(doubt);
    }
    for (const [personId, changes] of people) {
      if (currentIds.has(personId) || changes.length === 0) continue;
      const last = changes[changes.length - 1]!;
      if (last.change === 'joined') unresolved.push(last);
      // Until the leave is resolved, they count as members from their join on: archiving to
      // someone who may just have left beats losing an item for someone who was there.
      if (stateAt(changes, at)) members.push(asMembership(last));
    }
    const source: ParticipantsSource = this.coverageFrom !== null && at >= this.coverageFrom ? 'timeline' : 'current-membership';
    return { members, source, unresolved };
  }
}

/**
 * A leave dated only by when its webhook arrived (its compliance event was not found in the last
 * hour) more than an hour after `at`: the person may have left long before, as when a backlog is
 * hydrated. Returns their join before `at`, so the caller looks the leave up from there.
 */
const APPROXIMATE_MS = 3600_000;
function approximateLeaveAfter(changes: readonly MembershipChange[], at: string): MembershipChange | undefined {
  const next = changes.find((c) => c.at > at);
  if (!next || next.change !== 'left' || next.source !== 'webhook' || Date.parse(next.at) - Date.parse(at) <= APPROXIMATE_MS) return undefined;
  const joined = [...changes].reverse().find((c) => c.change === 'joined' && c.at <= at);
  return joined && stateAt(changes, at) ? joined : undefined;
}

function stateAt(changes: readonly MembershipChange[], at: string): boolean {
  let state: boolean | undefined;
  for (const c of changes) {
    if (c.change === 'joined' ? c.at <= at : c.at < at) state = c.change === 'joined';
    else break;
  }
  return state ?? changes[0]!.change === 'left';
}

/** Time order; at one instant a join before a leave (a person who joined and left at once was there). */
function compare(a: MembershipChange, b: MembershipChange): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.change !== b.change) return a.change === 'joined' ? -1 : 1;
  return 0;
}

function asMembership(c: MembershipChange): WxMembership {
  return { personId: c.personId, personEmail: c.personEmail, personDisplayName: c.personDisplayName };
}
