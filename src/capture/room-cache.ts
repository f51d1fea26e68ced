import type { WebexReader, WxMembership, WxPerson, WxRoom, WxTeam } from './webex-reader.js';

/**
 * Room, team and membership lookups, cached per room: a busy space costs one set of calls per
 * TTL, not one per message. Membership events invalidate the room so the next message sees the
 * people in the space at that time.
 */
export interface RoomInfo { room: WxRoom; team: WxTeam | null; memberships: WxMembership[] }

export interface RoomCache {
  get(roomId: string): Promise<RoomInfo>;
  /**
   * What is cached, even when invalidated (loaded when there is nothing): for membership items,
   * whose participants come from the timeline, so that a run of joins costs no reload each.
   */
  peek?(roomId: string): Promise<RoomInfo>;
  invalidate(roomId: string): void;
  /**
   * A person who is not (or no longer) a member, for the sender's name; undefined if unreadable.
   * Cached too: one who left a busy space would otherwise cost a call per message version, which
   * under a per-token rate limit is budget the crawl needs.
   */
  person(personId: string): Promise<WxPerson | undefined>;
}

export function createRoomCache(reader: WebexReader, opts: { ttlMs?: number; maxRooms?: number; now?: () => number } = {}): RoomCache {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const max = opts.maxRooms ?? 5000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { at: number; info: Promise<RoomInfo>; stale?: boolean }>();
  const teams = new Map<string, Promise<WxTeam | null>>();
  const people = new Map<string, Promise<WxPerson | undefined>>();

  async function load(roomId: string): Promise<RoomInfo> {
    const room = await reader.getRoom(roomId);
    const team = room.teamId ? await teamOf(room.teamId) : null;
    const memberships = await reader.listMemberships(roomId);
    return { room, team, memberships };
  }

  function teamOf(teamId: string): Promise<WxTeam | null> {
    let t = teams.get(teamId);
    if (!t) {
      t = reader.getTeam(teamId).catch(() => null);
      teams.set(teamId, t);
    }
    return t;
  }

  return {
    get(roomId) {
      const hit = entries.get(roomId);
      if (hit && !hit.stale && now() - hit.at < ttl) return hit.info;
      const info = load(roomId);
      info.catch(() => entries.delete(roomId));
      entries.set(roomId, { at: now(), info });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
      return info;
    },
    peek(roomId) {
      const hit = entries.get(roomId);
      return hit && now() - hit.at < ttl ? hit.info : this.get(roomId);
    },
    invalidate(roomId) {
      const hit = entries.get(roomId);
      if (hit) hit.stale = true;
    },
    person(personId) {
      let p = people.get(personId);
      if (!p) {
        p = reader.getPerson(personId).catch(() => {
          people.delete(personId);
          return undefined;
        });
        people.set(personId, p);
        if (people.size > max) people.delete(people.keys().next().value as string);
      }
      return p;
    },
  };
}
