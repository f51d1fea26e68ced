import { bareOrgId, encodeId } from './ids.js';
import { meetingEventData } from './meeting-views.js';
import { ME_KEY, messageState, type OrgStore } from './store.js';
import type { EventRec, MembershipRec, MessageRec, PersonRec, RoomRec, TeamRec, WebhookRec } from './store-types.js';

/**
 * Records to the JSON the real service returns. Field names and types follow the official OpenAPI
 * schemas (ListMessage, Room, Membership, Person, Team, Webhook, Event); test/simulator checks every
 * response against schemas derived from that spec, with no extra fields allowed.
 */
export type Json = Record<string, unknown>;

export function orgIdOf(uuid: string): string {
  return encodeId('ORGANIZATION', uuid);
}

/** The app id our simulated Compliance Officer integration acts through. */
export function appIdOf(store: OrgStore): string {
  return encodeId('APPLICATION', store.orgUuid);
}

export function personJson(p: PersonRec): Json {
  const [firstName, ...rest] = p.displayName.split(' ');
  return {
    id: p.id, emails: [p.email], displayName: p.displayName, nickName: firstName ?? p.displayName,
    firstName: firstName ?? '', lastName: rest.join(' '), orgId: orgIdOf(p.orgUuid),
    created: p.created, lastModified: p.created, status: 'unknown', type: 'person',
  };
}

export function teamJson(t: TeamRec): Json {
  return { id: t.id, name: t.name, created: t.created };
}

/** A room as it is after `upTo` of its updates (renames, classifications). */
export function roomJson(store: OrgStore, r: RoomRec, upTo: number = r.released): Json {
  const list = store.roomMessages.get(r.key) ?? [];
  let lastActivity = r.created;
  for (const m of list) {
    if (m.released === 0) continue;
    const at = m.versions[m.released - 1]!.at;
    if (at > lastActivity) lastActivity = at;
  }
  let title = r.title;
  let classificationId: string | undefined;
  for (const u of r.updates.slice(0, upTo)) {
    title = u.title ?? title;
    classificationId = u.classificationId ?? classificationId;
  }
  const out: Json = { id: r.id, title, type: r.type, isLocked: false };
  if (r.teamKey) out.teamId = store.teams.get(r.teamKey)!.id;
  Object.assign(out, {
    lastActivity, creatorId: r.creatorKey ? store.people.get(r.creatorKey)!.id : store.people.values().next().value!.id,
    created: r.created, ownerId: orgIdOf(store.orgUuid),
  });
  if (classificationId) out.classificationId = classificationId;
  Object.assign(out, { isAnnouncementOnly: false, isReadOnly: false, isPublic: false });
  return out;
}

/** A membership as it is after `upTo` of its moderator changes. */
export function membershipJson(store: OrgStore, m: MembershipRec, upTo: number = m.released): Json {
  const p = store.people.get(m.personKey)!;
  const r = store.rooms.get(m.roomKey)!;
  return {
    id: m.id, roomId: r.id, personId: p.id, personEmail: p.email, personDisplayName: p.displayName,
    personOrgId: orgIdOf(p.orgUuid), isModerator: upTo > 0 ? m.moderator[upTo - 1]!.isModerator : false, isRoomHidden: false, roomType: r.type, isMonitor: false, created: m.joined,
  };
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Where a file's bytes are fetched: `<base>/contents/{contentId}` (docs/webex-api.md §1, Messages). */
export function fileUrl(baseUrl: string, contentId: string): string {
  return `${baseUrl}/contents/${contentId}`;
}

/**
 * A message as GET /messages returns it, after `upTo` versions. `updated` is present only when the
 * content has been edited (docs/webex-api.md). A deleted message still reads for the Compliance Officer.
 */
export function messageJson(store: OrgStore, baseUrl: string, m: MessageRec, upTo: number = m.released): Json {
  const s = messageState(m, upTo);
  const room = store.rooms.get(m.roomKey)!;
  const person = store.people.get(m.personKey)!;
  const out: Json = { id: m.id };
  if (m.parentKey) out.parentId = store.messages.get(m.parentKey)!.id;
  Object.assign(out, { roomId: room.id, roomType: room.type, text: s.text });
  if (s.html !== undefined) Object.assign(out, { markdown: s.text, html: s.html });
  if (m.files.length > 0) out.files = m.files.map((f) => fileUrl(baseUrl, f.contentId));
  Object.assign(out, { personId: person.id, personEmail: person.email });
  // Cards are message `attachments` (developer.webex.com, Buttons and Cards guide).
  if (m.card) out.attachments = [{ contentType: ADAPTIVE_CARD, content: m.card }];
  out.created = m.created;
  if (s.updated) out.updated = s.updated;
  out.isVoiceClip = false;
  return out;
}

/** Webhook `data` for messages is metadata only; the text is never in it (docs/webex-api.md §4). */
export function messageWebhookData(store: OrgStore, m: MessageRec): Json {
  const room = store.rooms.get(m.roomKey)!;
  const person = store.people.get(m.personKey)!;
  const out: Json = { id: m.id, roomId: room.id, roomType: room.type, personId: person.id, personEmail: person.email, created: m.created };
  // parentId in webhook data is UNCONFIRMED officially (docs/webex-api.md §4); it helps and costs nothing.
  if (m.parentKey) out.parentId = store.messages.get(m.parentKey)!.id;
  return out;
}

/** An attachment action (GET /attachment/actions/{id}; webex-api.md, Attachment actions). */
export function actionJson(store: OrgStore, m: MessageRec, index: number, withInputs = true): Json {
  const x = m.submissions[index]!;
  const out: Json = { id: x.id, type: 'submit', messageId: m.id };
  if (withInputs) out.inputs = x.inputs;
  return { ...out, personId: store.people.get(x.personKey)!.id, roomId: store.rooms.get(m.roomKey)!.id, created: x.at };
}

/** The `data` snapshot of a compliance event: the resource as it was after that change. */
export function eventData(store: OrgStore, baseUrl: string, e: EventRec): Json {
  if (e.resource === 'meetingMessages' || e.resource === 'meetingTranscripts') return meetingEventData(store, e.resource, e.type, e.data);
  if (e.resource === 'messages') {
    const m = store.messages.get(e.data.messageKey as string)!;
    const v = e.data.version as number;
    if (e.type === 'deleted') return messageWebhookData(store, m);
    return messageJson(store, baseUrl, m, v + 1);
  }
  if (e.resource === 'attachmentActions') return actionJson(store, store.messages.get(e.data.messageKey as string)!, e.data.submission as number);
  if (e.resource === 'rooms') {
    const r = store.rooms.get(e.data.roomKey as string)!;
    return roomJson(store, r, (e.data.update as number) + 1);
  }
  const ms = store.memberships[e.data.membershipSeq as number]!;
  // A join's snapshot is the membership as it began; an update's, as that change left it.
  return membershipJson(store, ms, e.type === 'updated' ? (e.data.moderator as number) + 1 : e.type === 'created' ? 0 : ms.released);
}

export function eventJson(store: OrgStore, baseUrl: string, e: EventRec): Json {
  return {
    id: e.id, resource: e.resource, type: e.type, appId: appIdOf(store), actorId: store.people.get(e.actorKey)!.id,
    orgId: bareOrgId(store.orgUuid), created: e.created, data: eventData(store, baseUrl, e),
  };
}

export function webhookJson(store: OrgStore, w: WebhookRec): Json {
  const out: Json = { id: w.id, name: w.name, targetUrl: w.targetUrl, resource: w.resource, event: w.event };
  if (w.filter !== undefined) out.filter = w.filter;
  if (w.secret !== undefined) out.secret = w.secret;
  Object.assign(out, { status: w.status, created: w.created, ownedBy: w.ownedBy });
  // Seen in real payloads though not in the spec's Webhook schema (docs/webex-api.md, Webhooks).
  Object.assign(out, { orgId: bareOrgId(store.orgUuid), createdBy: store.people.get(ME_KEY)!.id, appId: appIdOf(store) });
  return out;
}
