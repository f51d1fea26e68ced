import type { CaptureSource, ConversationChange, MembershipChange, Person, RawKind, RawMessage } from '../kafka/records.js';
import type { CaptureDeps } from './capture-message.js';
import { buildRawMessage } from './raw-record.js';
import type { WxAttachmentAction, WxMembership } from './webex-reader.js';

/**
 * Conversation changes as items of their own, for hydrate (webhooks) and the crawler (events)
 * alike: a join, a leave or a moderator change (raw kind `membership`), a rename or
 * re-classification (kind `room`). Convert turns each into an email in the room's conversation,
 * delivered to the people in the room at that moment (the one who joined or left included).
 * `message` describes the change in words, so everything that reads raw records as messages
 * still reads something true; convert builds the email from `change`.
 */
export async function captureMembershipItem(
  deps: CaptureDeps,
  req: { change: MembershipChange; since: string; actorId: string | null; source: CaptureSource },
): Promise<RawMessage> {
  const c = req.change;
  const person: Person = { personId: c.personId, email: c.personEmail.toLowerCase(), displayName: c.personDisplayName };
  return captureChangeItem(deps, { kind: 'membership', roomId: c.roomId, actorId: req.actorId, source: req.source, change: { type: c.change, id: c.membershipId, since: req.since, at: c.at, person } });
}

/** A moderator change (memberships/updated): `at` is its event time, which also names it. */
export async function captureModeratorItem(
  deps: CaptureDeps,
  req: { membership: Record<string, unknown>; at: string; actorId: string | null; source: CaptureSource },
): Promise<RawMessage | null> {
  const d = req.membership;
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : undefined);
  const id = str('id'), roomId = str('roomId'), personId = str('personId'), email = str('personEmail');
  if (!id || !roomId || !personId || !email || typeof d.isModerator !== 'boolean') return null;
  const person: Person = { personId, email: email.toLowerCase(), displayName: str('personDisplayName') ?? email };
  const type = d.isModerator ? 'moderator-added' : 'moderator-removed';
  return captureChangeItem(deps, { kind: 'membership', roomId, actorId: req.actorId, source: req.source, change: { type, id, since: req.at, at: req.at, person } });
}

/** A rename or re-classification (rooms/updated): the room as it is after it; `at` names it. */
export async function captureRoomItem(
  deps: CaptureDeps,
  req: { room: Record<string, unknown>; at: string; actorId: string | null; source: CaptureSource },
): Promise<RawMessage | null> {
  const d = req.room;
  const roomId = typeof d.id === 'string' ? d.id : undefined;
  if (!roomId || !req.actorId) return null;
  const actor = await actorOf(deps, req.actorId, (await roomOf(deps, roomId)).memberships);
  if (!actor) return null;
  const title = typeof d.title === 'string' ? d.title : null;
  const classificationId = typeof d.classificationId === 'string' ? d.classificationId : null;
  return captureChangeItem(deps, { kind: 'room', roomId, actorId: null, source: req.source, change: { type: 'room-updated', id: roomId, since: req.at, at: req.at, person: actor, title, classificationId } });
}

/**
 * A card submission (attachmentActions/created) as an item threaded under its card's message:
 * who submitted what, when. Its id names it; the inputs come from GET /attachment/actions/{id}
 * (a webhook's data leaves them out, webex-api.md §4) unless the event's snapshot has them.
 */
export async function captureSubmissionItem(
  deps: CaptureDeps,
  req: { action: WxAttachmentAction; source: CaptureSource },
): Promise<RawMessage | null> {
  const a = req.action;
  if (!a.id || !a.messageId || !a.personId || !a.roomId || Number.isNaN(Date.parse(a.created))) return null;
  const person = await actorOf(deps, a.personId, (await roomOf(deps, a.roomId)).memberships);
  if (!person) return null;
  const at = new Date(a.created).toISOString();
  return captureChangeItem(deps, { kind: 'action', roomId: a.roomId, actorId: null, source: req.source, change: { type: 'card-submitted', id: a.id, since: at, at, person, parentId: a.messageId, inputs: JSON.stringify(a.inputs ?? {}) } });
}

type ChangeCore = Omit<ConversationChange, 'actor'>;

async function captureChangeItem(deps: CaptureDeps, req: { kind: RawKind; roomId: string; actorId: string | null; source: CaptureSource; change: ChangeCore }): Promise<RawMessage> {
  const c = req.change;
  const { room, team, memberships: current } = await roomOf(deps, req.roomId);
  const { members, source: participantsSource } = deps.participants ? await deps.participants(req.roomId, c.at, current) : { members: current, source: null };
  const actor = req.actorId && req.actorId !== c.person.personId ? await actorOf(deps, req.actorId, [...members, ...current]) : null;
  const change: ConversationChange = { ...c, actor, title: c.title ?? null, classificationId: c.classificationId ?? null, parentId: c.parentId ?? null, inputs: c.inputs ?? null };
  const raw = buildRawMessage({
    source: req.source,
    event: c.type === 'joined' ? 'created' : c.type === 'left' ? 'deleted' : 'updated',
    deletedAt: c.at,
    capturedAt: (deps.now ?? (() => new Date()))(),
    message: { id: c.id, roomId: req.roomId, roomType: room.type, personId: c.person.personId, personEmail: c.person.email, text: describeChange(change), created: c.at, updated: c.type === 'joined' || c.type === 'left' ? undefined : c.at },
    // A rename shows the room's new title, whatever a cached copy says.
    room: change.title ? { ...room, title: change.title } : room,
    team,
    memberships: members,
    participantsSource,
    sender: c.person,
    files: [],
  });
  return { ...raw, kind: req.kind, change };
}

/** What is cached, even after a membership webhook invalidated it: the timeline gives the participants. */
function roomOf(deps: CaptureDeps, roomId: string) {
  return deps.rooms.peek ? deps.rooms.peek(roomId) : deps.rooms.get(roomId);
}

async function actorOf(deps: CaptureDeps, actorId: string, known: WxMembership[]): Promise<Person | null> {
  const m = known.find((x) => x.personId === actorId);
  if (m) return { personId: actorId, email: m.personEmail.toLowerCase(), displayName: m.personDisplayName ?? m.personEmail };
  const p = await deps.rooms.person(actorId);
  const email = p?.emails?.[0];
  return email ? { personId: actorId, email: email.toLowerCase(), displayName: p?.displayName ?? email } : null;
}

/** One line a reviewer reads: who, what, and who did it when it was someone else. */
export function describeChange(c: Pick<ConversationChange, 'type' | 'person' | 'actor' | 'title' | 'classificationId'>): string {
  const who = `${c.person.displayName} <${c.person.email}>`;
  const by = c.actor ? ` by ${c.actor.displayName} <${c.actor.email}>` : '';
  switch (c.type) {
    case 'joined': return `${who} joined the space${c.actor ? ` (added${by})` : ''}.`;
    case 'left': return `${who} left the space${c.actor ? ` (removed${by})` : ''}.`;
    case 'moderator-added': return `${who} was made a moderator${by}.`;
    case 'moderator-removed': return `${who} is no longer a moderator${by}.`;
    case 'room-updated': {
      const parts = [...(c.title ? [`title "${c.title}"`] : []), ...(c.classificationId ? [`classification ${c.classificationId}`] : [])];
      return `${who} updated the space: ${parts.join(', ') || 'no title or classification given'}.`;
    }
    case 'card-submitted': return `${who} submitted the card.`;
  }
}
