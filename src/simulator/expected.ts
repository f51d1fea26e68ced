import { messageState, type OrgStore } from './store.js';
import { fileUrl } from './views.js';

/**
 * The test oracle: every message version the organization holds (created, each edit, deleted),
 * with Webex ids and each file's SHA-256, so a test can check that an archive has exactly these.
 */
export interface ExpectedFile {
  index: number;
  contentId: string;
  url: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface ExpectedVersion {
  messageKey: string;
  messageId: string;
  /** 0 for created, then one per edit, then the deletion. */
  version: number;
  kind: 'created' | 'updated' | 'deleted';
  /** When this version happened (fixture time, or API time for changes made through REST). */
  at: string;
  /** False while a held fixture version has not been played yet. */
  released: boolean;
  roomKey: string;
  roomId: string;
  roomType: 'direct' | 'group';
  teamId: string | undefined;
  personKey: string;
  personId: string;
  personEmail: string;
  parentId: string | undefined;
  created: string;
  /** The text as of this version (a deletion keeps the last text, as the Compliance Officer sees it). */
  text: string;
  html: string | undefined;
  files: ExpectedFile[];
}

export function expectedVersions(store: OrgStore, baseUrl: string): ExpectedVersion[] {
  const out: ExpectedVersion[] = [];
  for (const m of store.messages.values()) {
    const room = store.rooms.get(m.roomKey)!;
    const person = store.people.get(m.personKey)!;
    const files = m.files.map((f) => ({
      index: f.index, contentId: f.contentId, url: fileUrl(baseUrl, f.contentId), name: f.name,
      contentType: f.contentType, size: f.bytes.size, sha256: f.bytes.sha256(),
    }));
    m.versions.forEach((v, i) => {
      const s = messageState(m, i + 1);
      out.push({
        messageKey: m.key, messageId: m.id, version: i, kind: v.kind, at: v.at, released: i < m.released,
        roomKey: room.key, roomId: room.id, roomType: room.type, teamId: room.teamKey ? store.teams.get(room.teamKey)!.id : undefined,
        personKey: person.key, personId: person.id, personEmail: person.email,
        parentId: m.parentKey ? store.messages.get(m.parentKey)!.id : undefined, created: m.created,
        text: s.text, html: s.html, files,
      });
    });
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
