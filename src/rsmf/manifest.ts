import { createHash } from 'node:crypto';
import type { FileRef, Person, RawMessage } from '../kafka/records.js';
import type { MessageVersions } from './conversation.js';

/**
 * The RSMF 2.0.0 manifest (rsmf_manifest.json) of one slice: participants, the conversation, and
 * one event per Webex message. Field meanings are Relativity's (docs/rsmf.md); the schema in
 * schema/ is the check. Pure and deterministic.
 *
 * Every message version of the slice is in it exactly once: the post is the event itself, each
 * edit an `edits[]` entry (previous and new text, by the sender, at the edit's time), the
 * deletion `deleted: true`. The body is the latest text the slice knows (a deletion keeps the
 * text it removed: the point of an archive). A thread reply names its parent as `parent` when
 * the parent is in the same slice (RSMF requires the id to map to an event in the manifest);
 * otherwise the parent's id is kept as a custom property, so the thread is still traceable.
 * A join or a leave is a `join` or `leave` event by the person who joined or left.
 */
export const RSMF_VERSION = '2.0.0';
export const PLATFORM = 'webex';

export interface NameValue { name: string; value: string }
export interface RsmfParticipant { id: string; display?: string; email?: string; account_id?: string; custom?: NameValue[] }
export interface RsmfConversation { id: string; display?: string; platform: string; type: 'direct' | 'channel'; participants: string[]; custom?: NameValue[] }
export interface RsmfEdit { participant: string; timestamp: string; previous?: string; new?: string }
export interface RsmfAttachment { id: string; display: string; size: number }
export interface RsmfEvent {
  id: string;
  type: 'message' | 'join' | 'leave';
  participant: string;
  conversation: string;
  timestamp: string;
  body: string;
  parent?: string;
  deleted?: boolean;
  attachments?: RsmfAttachment[];
  edits?: RsmfEdit[];
  custom?: NameValue[];
}
export interface RsmfManifest {
  version: string;
  eventcollectionid: string;
  participants: RsmfParticipant[];
  conversations: RsmfConversation[];
  events: RsmfEvent[];
}

/** A file of the slice: its name inside rsmf.zip and where its bytes are (blob storage). */
export interface ZipFile { zipName: string; file: FileRef }

export interface BuiltManifest {
  manifest: RsmfManifest;
  files: ZipFile[];
  /** Message versions the manifest holds (posts, edits, deletions). */
  versions: number;
  /** Earliest and latest time of anything the slice shows. */
  begin: string;
  end: string;
}

/** The same id for every slice of one conversation-day (RSMF's eventcollectionid). */
export function eventCollectionId(roomId: string, day: string): string {
  const h = createHash('sha256').update(`${roomId}\n${day}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function textOf(v: RawMessage): string {
  return v.message.text ?? v.message.markdown ?? '';
}

function iso(t: string): string {
  return new Date(Date.parse(t)).toISOString();
}

export function buildManifest(roomId: string, day: string, messages: readonly MessageVersions[]): BuiltManifest {
  const people = new Map<string, Person>();
  const addPerson = (p: Person) => { if (p.personId && !people.has(p.personId)) people.set(p.personId, p); };
  const eventIds = new Set(messages.map((m) => m.messageId));
  const files: ZipFile[] = [];
  const zipNames = new Map<string, string>(); // sha256 + name -> zip name
  const taken = new Set<string>(['rsmf_manifest.json']);
  const times: number[] = [];
  let versions = 0;

  const zipNameFor = (f: FileRef): string => {
    const key = `${f.sha256}\u0000${f.name}`;
    const known = zipNames.get(key);
    if (known) return known;
    const name = uniqueName(safeFileName(f.name), taken);
    taken.add(name);
    zipNames.set(key, name);
    files.push({ zipName: name, file: f });
    return name;
  };

  const events = messages.map((m): RsmfEvent => {
    const first = m.versions[0]!;
    if (m.kind === 'membership') {
      const c = first.change!;
      addPerson(c.person);
      if (c.actor) addPerson(c.actor);
      first.participants.forEach(addPerson);
      times.push(Date.parse(c.at));
      versions += 1;
      return {
        id: m.messageId,
        type: c.type === 'joined' ? 'join' : 'leave',
        participant: c.person.personId,
        conversation: roomId,
        timestamp: iso(c.at),
        body: first.message.text ?? '',
        custom: [{ name: 'Webex membership id', value: c.id }, ...(c.actor ? [{ name: c.type === 'joined' ? 'Added by' : 'Removed by', value: `${c.actor.displayName} <${c.actor.email}>` }] : [])],
      };
    }
    for (const v of m.versions) { addPerson(v.sender); v.participants.forEach(addPerson); times.push(Date.parse(v.versionAt)); }
    versions += m.versions.length;
    const sender = first.sender.personId || first.message.personId;
    let body = '';
    let previous: string | null = null;
    const edits: RsmfEdit[] = [];
    let deleted: RawMessage | null = null;
    const attachments = new Map<string, RsmfAttachment>();
    const custom: NameValue[] = [];
    for (const v of m.versions) {
      if (v.event === 'deleted') { deleted = v; continue; }
      const text = textOf(v);
      if (v.event === 'updated') edits.push({ participant: sender, timestamp: iso(v.versionAt), ...(previous !== null ? { previous } : {}), new: text });
      body = text;
      previous = text;
      for (const f of v.files) {
        if (f.status === 'stored') {
          const id = zipNameFor(f);
          attachments.set(id, { id, display: f.name, size: f.size });
        } else {
          custom.push({ name: 'Attachment not captured', value: `${f.name} (${f.status})` });
        }
      }
    }
    if (previous === null && deleted) body = textOf(deleted);
    if (m.versions.every((v) => v.event !== 'created')) custom.push({ name: 'Posted before this slice', value: iso(m.created) });
    if (deleted) custom.push({ name: 'Deleted at', value: iso(deleted.versionAt) });
    if (m.parentId && !eventIds.has(m.parentId)) custom.push({ name: 'Thread parent outside this slice', value: m.parentId });
    custom.push({ name: 'Webex message id', value: m.messageId });
    times.push(Date.parse(m.created));
    return {
      id: m.messageId,
      type: 'message',
      participant: sender,
      conversation: roomId,
      timestamp: iso(m.created),
      body,
      ...(m.parentId && eventIds.has(m.parentId) ? { parent: m.parentId } : {}),
      ...(deleted ? { deleted: true } : {}),
      ...(attachments.size ? { attachments: [...attachments.values()] } : {}),
      ...(edits.length ? { edits } : {}),
      custom: custom.filter((c) => c.value !== ''),
    };
  });

  const room = messages[0]!.versions[0]!.room;
  const firstParticipants = messages[0]!.versions[0]!.participants.map((p) => p.personId);
  const direct = room.type === 'direct';
  const participantIds = [...people.keys()].sort();
  const conversation: RsmfConversation = {
    id: roomId,
    display: room.title || roomId,
    platform: PLATFORM,
    type: direct ? 'direct' : 'channel',
    // RSMF: for a direct conversation everyone in it; for a channel those present at its earliest event.
    participants: direct ? participantIds : [...new Set(firstParticipants.filter((id) => people.has(id)))].sort(),
    custom: [
      { name: 'Webex room type', value: direct ? 'direct' : room.teamId ? 'team space' : 'group space' },
      ...(room.teamName ? [{ name: 'Webex team', value: room.teamName }] : []),
      { name: 'Day (UTC)', value: day },
    ].filter((c) => c.value !== ''),
  };
  const participants = participantIds.map((id): RsmfParticipant => {
    const p = people.get(id)!;
    const email = p.email?.trim() ?? '';
    return { id, ...(p.displayName ? { display: p.displayName } : {}), ...(EMAIL.test(email) ? { email } : {}), account_id: id };
  });
  const sortedTimes = times.filter((t) => !Number.isNaN(t)).sort((a, b) => a - b);
  return {
    manifest: { version: RSMF_VERSION, eventcollectionid: eventCollectionId(roomId, day), participants, conversations: [conversation], events },
    files,
    versions,
    begin: new Date(sortedTimes[0]!).toISOString(),
    end: new Date(sortedTimes[sortedTimes.length - 1]!).toISOString(),
  };
}

/** A file name safe inside a zip on any platform: no folders, no control or reserved characters. */
export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^[.\s]+/, '').trim();
  return (clean || 'attachment').slice(0, 200);
}

/** `q1.pdf`, then `q1 (2).pdf`, `q1 (3).pdf`: two different files may carry the same real name. */
function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}
