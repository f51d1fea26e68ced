import type { OrgFixture } from './fixture-types.js';
import { bytesFromBase64, bytesFromSeed } from './file-bytes.js';
import { contentId, encodeId, membershipId, uuidFor } from './ids.js';
import { addMeetingEvents, meetingRecords } from './meeting-store.js';
import type { EventRec, FileRec, MeetingRec, MembershipRec, MessageRec, PersonRec, RoomRec, TeamRec, VersionRec, WebhookRec } from './store-types.js';

/** The key of the synthetic Compliance Officer whose token every request is taken to carry. */
export const ME_KEY = '__compliance_officer';

/**
 * The organization in memory. Records keep fixture keys; views.ts turns them into Webex JSON.
 * Messages carry every version (created, edits, deleted); `released` says how many have happened,
 * so a held fixture can be played "live" later (live.ts).
 */
export class OrgStore {
  readonly orgUuid: string;
  readonly domains: string[];
  readonly people = new Map<string, PersonRec>();
  readonly teams = new Map<string, TeamRec>();
  readonly rooms = new Map<string, RoomRec>();
  readonly memberships: MembershipRec[] = [];
  readonly messages = new Map<string, MessageRec>();
  /** Messages of each room in creation order (oldest first). */
  readonly roomMessages = new Map<string, MessageRec[]>();
  readonly events: EventRec[] = [];
  /** Meetings by fixture key (meeting-store.ts). */
  readonly meetings = new Map<string, MeetingRec>();
  readonly webhooks = new Map<string, WebhookRec>();
  /** Every file by content id, for /contents. */
  readonly files = new Map<string, { msg: MessageRec; file: FileRec }>();
  private readonly byId = new Map<string, PersonRec | TeamRec | RoomRec | MessageRec>();
  private counter = 0;
  private eventsSorted = true;

  constructor(fixture: OrgFixture, opts: { hold?: boolean } = {}) {
    this.domains = fixture.org.domains.map((d) => d.toLowerCase());
    this.orgUuid = uuidFor(`org:${this.domains[0]}`);
    const firstTime = fixture.rooms.map((r) => r.created).sort()[0] ?? '2026-01-01T00:00:00.000Z';
    for (const p of fixture.people) this.addPerson(p.key, p.email, p.displayName, firstTime);
    if (!this.people.has(ME_KEY)) this.addPerson(ME_KEY, `compliance-officer@${this.domains[0]}`, 'Compliance Officer', firstTime);
    for (const t of fixture.teams ?? []) {
      const uuid = uuidFor(`team:${t.key}`);
      const created = fixture.rooms.filter((r) => r.team === t.key).map((r) => r.created).sort()[0] ?? firstTime;
      this.index({ key: t.key, uuid, id: encodeId('TEAM', uuid), name: t.name, created }, this.teams);
    }
    fixture.rooms.forEach((r, seq) => {
      const uuid = uuidFor(`room:${r.key}`);
      const creator = fixture.memberships.filter((m) => m.room === r.key).sort((a, b) => a.joined.localeCompare(b.joined))[0];
      const updates = (r.updates ?? []).map((u) => ({ at: iso(u.at), byKey: u.by, title: u.title ?? undefined, classificationId: u.classification != null ? encodeId('CLASSIFICATION', uuidFor(`classification:${u.classification}`)) : undefined }));
      this.index({ key: r.key, uuid, id: encodeId('ROOM', uuid), type: r.type, title: r.title, teamKey: r.team ?? undefined, created: iso(r.created), creatorKey: creator?.person, seq, updates, released: opts.hold ? 0 : updates.length }, this.rooms);
      this.roomMessages.set(r.key, []);
    });
    fixture.memberships.forEach((m, seq) => {
      const person = this.people.get(m.person)!;
      const room = this.rooms.get(m.room)!;
      const moderator = (m.moderator ?? []).map((c) => ({ at: iso(c.at), isModerator: c.isModerator, byKey: c.by }));
      this.memberships.push({ id: membershipId(person.uuid, room.uuid), roomKey: m.room, personKey: m.person, joined: iso(m.joined), left: m.left ? iso(m.left) : undefined, seq, moderator, released: opts.hold ? 0 : moderator.length });
    });
    for (const m of fixture.messages) {
      const versions: VersionRec[] = [{ kind: 'created', at: iso(m.created), text: m.text, html: m.html ?? undefined }];
      for (const e of m.edits ?? []) versions.push({ kind: 'updated', at: iso(e.at), text: e.text, html: e.html ?? undefined });
      if (m.deleted) versions.push({ kind: 'deleted', at: iso(m.deleted), text: '', html: undefined });
      const uuid = uuidFor(`message:${m.key}`);
      const files = (m.files ?? []).map((f, index) => ({
        index, contentId: contentId(uuid, index), name: f.name, contentType: f.contentType,
        bytes: f.base64 != null ? bytesFromBase64(f.base64) : bytesFromSeed(`${m.key}/${index}/${f.name}`, f.size ?? 0),
      }));
      this.addMessage({ key: m.key, uuid, id: encodeId('MESSAGE', uuid), roomKey: m.room, personKey: m.person, parentKey: m.parent ?? undefined, created: versions[0]!.at, versions, released: opts.hold ? 0 : versions.length, files, ...(m.card ? { card: m.card } : {}),
        submissions: (m.submissions ?? []).map((x, i) => ({ id: encodeId('ATTACHMENT_ACTION', uuidFor(`action:${m.key}:${i}`)), at: iso(x.at), personKey: x.person, inputs: x.inputs })),
        submitted: opts.hold ? 0 : (m.submissions ?? []).length, seq: 0 });
    }
    for (const m of meetingRecords(fixture.meetings ?? [])) this.meetings.set(m.key, m);
    this.buildHistoricEvents();
    addMeetingEvents(this, this.meetings.values());
  }

  /** A meeting by its instance id. */
  meetingById(id: string): MeetingRec | undefined {
    for (const m of this.meetings.values()) if (m.id === id) return m;
    return undefined;
  }

  private addPerson(key: string, email: string, displayName: string, created: string): void {
    const domain = email.split('@')[1]?.toLowerCase() ?? '';
    const external = !this.domains.includes(domain);
    const uuid = uuidFor(`person:${key}`);
    this.index({ key, uuid, id: encodeId('PEOPLE', uuid), email, displayName, orgUuid: external ? uuidFor(`org:${domain}`) : this.orgUuid, external, created: iso(created) }, this.people);
  }

  private index<T extends PersonRec | TeamRec | RoomRec>(rec: T, map: Map<string, T>): void {
    map.set(rec.key, rec);
    this.byId.set(rec.id, rec);
  }

  /** Adds a message (fixture or POST /messages) keeping each room's list in time order. */
  addMessage(rec: MessageRec): MessageRec {
    rec.seq = this.messages.size;
    this.messages.set(rec.key, rec);
    for (const file of rec.files) this.files.set(file.contentId, { msg: rec, file });
    this.byId.set(rec.id, rec);
    const list = this.roomMessages.get(rec.roomKey)!;
    let i = list.length;
    while (i > 0 && list[i - 1]!.created > rec.created) i--;
    list.splice(i, 0, rec);
    return rec;
  }

  /** Fixture history becomes compliance events at the times it happened. */
  private buildHistoricEvents(): void {
    for (const m of this.memberships) {
      const data = { membershipSeq: m.seq };
      this.addEvent('memberships', 'created', m.personKey, m.joined, data, `membership:${m.seq}:created`);
      if (m.left) this.addEvent('memberships', 'deleted', m.personKey, m.left, data, `membership:${m.seq}:deleted`);
      // Moderator changes and room updates, like messages, are history only once released (held until playLive).
      for (let i = 0; i < m.released; i++) this.addEvent('memberships', 'updated', m.moderator[i]!.byKey, m.moderator[i]!.at, { membershipSeq: m.seq, moderator: i }, `membership:${m.seq}:updated:${i}`);
    }
    for (const r of this.rooms.values()) {
      for (let i = 0; i < r.released; i++) this.addEvent('rooms', 'updated', r.updates[i]!.byKey, r.updates[i]!.at, { roomKey: r.key, update: i }, `room:${r.key}:updated:${i}`);
    }
    for (const msg of this.messages.values()) {
      for (let v = 0; v < msg.released; v++) this.addMessageEvent(msg, v, msg.versions[v]!.at, `message:${msg.key}:${v}`);
      for (let i = 0; i < msg.submitted; i++) this.addEvent('attachmentActions', 'created', msg.submissions[i]!.personKey, msg.submissions[i]!.at, { messageKey: msg.key, submission: i }, `action:${msg.key}:${i}`);
    }
  }

  /** Records the event for version `v` of a message; `data` is filled in by views at read time. */
  addMessageEvent(msg: MessageRec, v: number, created: string, name: string): EventRec {
    return this.addEvent('messages', msg.versions[v]!.kind, msg.personKey, created, { messageKey: msg.key, version: v }, name);
  }

  addEvent(resource: EventRec['resource'], type: EventRec['type'], actorKey: string, created: string, data: Record<string, unknown>, name: string): EventRec {
    const uuid = uuidFor(`event:${name}`);
    const rec: EventRec = { id: encodeId('EVENT', uuid), resource, type, actorKey, created, data, seq: this.events.length };
    const last = this.events[this.events.length - 1];
    if (last && last.created > created) this.eventsSorted = false;
    this.events.push(rec);
    return rec;
  }

  /** Events oldest first (ties by insertion). */
  sortedEvents(): EventRec[] {
    if (!this.eventsSorted) {
      this.events.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : a.seq - b.seq));
      this.eventsSorted = true;
    }
    return this.events;
  }

  /** A fresh, deterministic name for things the API creates at run time (POSTed messages, webhooks). */
  nextName(kind: string): string {
    this.counter += 1;
    return `${kind}:${this.counter}`;
  }

  findById<K extends 'person' | 'team' | 'room' | 'message'>(kind: K, id: string): (K extends 'person' ? PersonRec : K extends 'team' ? TeamRec : K extends 'room' ? RoomRec : MessageRec) | undefined {
    const rec = this.byId.get(id);
    if (!rec) return undefined;
    const ok = kind === 'person' ? this.people.get(rec.key) === rec : kind === 'team' ? this.teams.get(rec.key) === rec : kind === 'room' ? this.rooms.get(rec.key) === rec : this.messages.get(rec.key) === rec;
    return (ok ? rec : undefined) as never;
  }

  /** A happened submission by its attachment action id. */
  submissionById(id: string): { msg: MessageRec; index: number } | undefined {
    for (const msg of this.messages.values()) {
      const index = msg.submissions.findIndex((x) => x.id === id);
      if (index >= 0 && index < msg.submitted) return { msg, index };
    }
    return undefined;
  }

  personByEmail(email: string): PersonRec | undefined {
    const e = email.toLowerCase();
    for (const p of this.people.values()) if (p.email.toLowerCase() === e) return p;
    return undefined;
  }

  /** Memberships current at `nowIso`: joined and not yet left. */
  currentMemberships(nowIso: string): MembershipRec[] {
    return this.memberships.filter((m) => m.joined <= nowIso && (m.left === undefined || m.left > nowIso));
  }
}

/** Normalises any ISO-8601 time to the millisecond UTC form Webex uses (`2015-10-18T14:26:16.203Z`). */
export function iso(t: string | number | Date): string {
  return new Date(t).toISOString();
}

/** The state of a message after its released versions: visible, current text, edited and deleted times. */
export function messageState(m: MessageRec, upTo: number = m.released): { visible: boolean; text: string; html: string | undefined; updated: string | undefined; deleted: string | undefined; edits: number } {
  let text = '';
  let html: string | undefined;
  let updated: string | undefined;
  let deleted: string | undefined;
  let edits = 0;
  for (let i = 0; i < upTo; i++) {
    const v = m.versions[i]!;
    if (v.kind === 'deleted') deleted = v.at;
    else {
      text = v.text;
      html = v.html;
      if (v.kind === 'updated') {
        updated = v.at;
        edits += 1;
      }
    }
  }
  return { visible: upTo > 0, text, html, updated, deleted, edits };
}
