import type { FixtureMeeting } from './fixture-types.js';
import { encodeId, uuidFor } from './ids.js';
import type { EventRec, MeetingRec, PersonRec, TranscriptRec } from './store-types.js';

/** What meetings need of the organization's store (store.ts, which calls in here): its people and its event log. */
interface MeetingHost {
  readonly people: ReadonlyMap<string, PersonRec>;
  addEvent(resource: EventRec['resource'], type: EventRec['type'], actorKey: string, created: string, data: Record<string, unknown>, name: string): unknown;
}

/**
 * Fixture meetings to records, and their history to compliance events: each chat message a
 * `meetingMessages/created` event at its time (and `deleted` at its deletion), each available
 * transcript (a deleted one too: it was available once) a `meetingTranscripts/created` event when
 * it became available (docs/simulator.md).
 * Meetings are never held: their chat has no webhook to play it live by (docs/webex-api.md).
 */
export function meetingRecords(fixture: FixtureMeeting[]): MeetingRec[] {
  return fixture.map((m) => {
    const seriesHex = uuidFor(`meeting:${m.key}`).replace(/-/g, '');
    const start = iso(m.start);
    return {
      key: m.key, seriesHex, id: `${seriesHex}_${start.replace(/[-:]|\.\d{3}/g, '')}`, title: m.title, hostKey: m.host, start, end: iso(m.end),
      participants: m.participants.map((p) => ({ personKey: p.person, joined: iso(p.joined ?? m.start), left: iso(p.left ?? m.end) })),
      messages: (m.messages ?? []).map((x) => ({
        key: x.key, id: encodeId('MEETING_MESSAGE', uuidFor(`meeting-message:${m.key}:${x.key}`)), personKey: x.person, at: iso(x.at), text: x.text, toKeys: x.to ?? [], deleted: x.deleted ? iso(x.deleted) : undefined,
      })),
      transcripts: (m.transcripts ?? []).map((t) => ({
        key: t.key, id: uuidFor(`transcript:${m.key}:${t.key}`), at: iso(t.at), status: t.status ?? 'available', lines: t.lines.map((l) => ({ personKey: l.person, offset: l.offset, text: l.text })),
      })),
    };
  });
}

export function addMeetingEvents(store: MeetingHost, meetings: Iterable<MeetingRec>): void {
  for (const m of meetings) {
    for (const x of m.messages) {
      store.addEvent('meetingMessages', 'created', x.personKey, x.at, { meetingKey: m.key, messageKey: x.key }, `meeting-message:${m.key}:${x.key}:created`);
      if (x.deleted) store.addEvent('meetingMessages', 'deleted', x.personKey, x.deleted, { meetingKey: m.key, messageKey: x.key }, `meeting-message:${m.key}:${x.key}:deleted`);
    }
    for (const t of m.transcripts) {
      // A deleted transcript was available once: its created event stays in the history.
      store.addEvent('meetingTranscripts', 'created', m.hostKey, t.at, { meetingKey: m.key, transcriptKey: t.key }, `transcript:${m.key}:${t.key}`);
    }
  }
}

/** A transcript as WebVTT (W3C WebVTT: cues with `<v Speaker>` voice spans), each line until the next. */
export function transcriptVtt(store: MeetingHost, t: TranscriptRec): string {
  const cues = t.lines.map((l, i) => {
    const end = t.lines[i + 1]?.offset ?? l.offset + 5;
    return `${i + 1}\n${clock(l.offset)} --> ${clock(Math.max(end, l.offset + 0.5))}\n<v ${speaker(store, l.personKey).displayName}>${l.text}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** The same transcript as plain text: the speaker and time, then what they said. */
export function transcriptTxt(store: MeetingHost, t: TranscriptRec): string {
  return t.lines.map((l) => `${speaker(store, l.personKey).displayName} ${clock(l.offset).slice(0, 8)}\n${l.text}\n`).join('\n');
}

function speaker(store: MeetingHost, key: string): PersonRec {
  return store.people.get(key)!;
}

function clock(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

function iso(t: string): string {
  return new Date(t).toISOString();
}
