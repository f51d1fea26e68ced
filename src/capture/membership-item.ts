import type { CaptureSource, MembershipChange, Person, RawMessage } from '../kafka/records.js';
import type { CaptureDeps } from './capture-message.js';
import { buildRawMessage } from './raw-record.js';
import type { WxMembership } from './webex-reader.js';

/**
 * A join or a leave as an item of its own, for hydrate (memberships webhooks) and the crawler
 * (memberships events) alike: a raw record of kind `membership` that convert turns into an email
 * in the room's conversation, delivered to the people in the room at that moment (the one who
 * joined or left included). `message` describes the change in words, so everything that reads
 * raw records as messages still reads something true; convert builds the email from `change`.
 */
export async function captureMembershipItem(
  deps: CaptureDeps,
  req: { change: MembershipChange; since: string; actorId: string | null; source: CaptureSource },
): Promise<RawMessage> {
  const c = req.change;
  const { room, team, memberships: current } = await (deps.rooms.peek ?? deps.rooms.get).call(deps.rooms, c.roomId);
  const { members, source: participantsSource } = deps.participants ? await deps.participants(c.roomId, c.at, current) : { members: current, source: null };
  const person: Person = { personId: c.personId, email: c.personEmail.toLowerCase(), displayName: c.personDisplayName };
  const actor = req.actorId && req.actorId !== c.personId ? await actorOf(deps, req.actorId, [...members, ...current]) : null;
  const raw = buildRawMessage({
    source: req.source,
    event: c.change === 'joined' ? 'created' : 'deleted',
    deletedAt: c.at,
    capturedAt: (deps.now ?? (() => new Date()))(),
    message: { id: c.membershipId, roomId: c.roomId, roomType: room.type, personId: c.personId, personEmail: c.personEmail, text: describeChange(c.change, person, actor), created: c.at },
    room,
    team,
    memberships: members,
    participantsSource,
    sender: person,
    files: [],
  });
  return { ...raw, kind: 'membership', change: { type: c.change, id: c.membershipId, since: req.since, at: c.at, person, actor } };
}

async function actorOf(deps: CaptureDeps, actorId: string, known: WxMembership[]): Promise<Person | null> {
  const m = known.find((x) => x.personId === actorId);
  if (m) return { personId: actorId, email: m.personEmail.toLowerCase(), displayName: m.personDisplayName ?? m.personEmail };
  const p = await deps.rooms.person(actorId);
  const email = p?.emails?.[0];
  return email ? { personId: actorId, email: email.toLowerCase(), displayName: p?.displayName ?? email } : null;
}

/** One line a reviewer reads: who, what, and who did it when it was someone else. */
export function describeChange(type: 'joined' | 'left', person: Person, actor: Person | null): string {
  const who = `${person.displayName} <${person.email}>`;
  const by = actor ? ` (${type === 'joined' ? 'added' : 'removed'} by ${actor.displayName} <${actor.email}>)` : '';
  return `${who} ${type === 'joined' ? 'joined' : 'left'} the space${by}.`;
}
