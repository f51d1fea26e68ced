import { createHash } from 'node:crypto';
import type { OrgStore } from './store.js';
import type { MeetingMessageRec, MeetingRec, TranscriptRec } from './store-types.js';

/**
 * Meetings records to the JSON Cisco's Meetings API returns (webex-meeting.json schemas
 * MeetingSeriesObject, Participant, TranscriptObject) and the `data` of meetingMessages and
 * meetingTranscripts compliance events (the messaging spec's Event data). test/simulator checks
 * these against schemas derived from both specs, with no extra fields allowed.
 */
type Json = Record<string, unknown>;

const SITE = 'archiver-sim.webex.com';

/** Digits that look like a meeting number, stable per meeting. */
function digits(m: MeetingRec, n: number): string {
  const h = createHash('sha256').update(m.key).digest();
  return Array.from(h.subarray(0, n), (b) => String(b % 10)).join('');
}

/** GET /meetings/{meetingId} of an ended meeting instance. */
export function meetingJson(store: OrgStore, m: MeetingRec): Json {
  const host = store.people.get(m.hostKey)!;
  return {
    id: m.id, meetingNumber: digits(m, 9), title: m.title, password: 'sim-pass', meetingType: 'meeting', state: 'ended', timezone: 'UTC',
    start: m.start, end: m.end, hostUserId: host.id, hostDisplayName: host.displayName, hostEmail: host.email, hostKey: digits(m, 6), siteUrl: SITE,
    webLink: `https://${SITE}/${SITE.split('.')[0]}/j.php?MTID=m${m.seriesHex}`,
    telephony: { accessCode: digits(m, 10), callInNumbers: [{ label: 'Call-in toll number', callInNumber: '+1-555-0100', tollType: 'toll' }] },
    enabledBreakoutSessions: false,
  };
}

/** One item of GET /meetingParticipants?meetingId= (an ended meeting: state `end`). */
export function participantJson(store: OrgStore, m: MeetingRec, i: number): Json {
  const p = m.participants[i]!;
  const person = store.people.get(p.personKey)!;
  const host = store.people.get(m.hostKey)!;
  return {
    id: `${m.seriesHex}_${person.uuid}`, orgId: store.orgUuid, host: p.personKey === m.hostKey, coHost: false, email: person.email, displayName: person.displayName,
    invitee: true, muted: false, meetingStartTime: m.start, video: 'off', state: 'end', joinedTime: p.joined, leftTime: p.left, siteUrl: SITE, meetingId: m.id, hostEmail: host.email,
  };
}

/** One item of GET /meetingTranscripts. */
export function transcriptJson(store: OrgStore, baseUrl: string, m: MeetingRec, t: TranscriptRec): Json {
  const host = store.people.get(m.hostKey)!;
  const link = (format: string) => `${baseUrl}/meetingTranscripts/${t.id}/download?format=${format}`;
  return {
    id: t.id, siteUrl: SITE, startTime: m.start, meetingTopic: m.title, meetingId: m.id, scheduledMeetingId: `${m.seriesHex}_${m.start.slice(0, 10).replace(/-/g, '')}`,
    meetingSeriesId: m.seriesHex, hostUserId: host.id, vttDownloadLink: link('vtt'), txtDownloadLink: link('txt'), status: t.status,
  };
}

/**
 * A meetingMessages event's `data`: the message (a deletion's snapshot leaves out the text), and
 * for a directed message its `recipients` (docs/webex-api.md, "Meetings").
 */
export function meetingMessageData(store: OrgStore, m: MeetingRec, x: MeetingMessageRec, deleted: boolean): Json {
  const person = store.people.get(x.personKey)!;
  const out: Json = { id: x.id, meetingId: m.id };
  if (!deleted) out.text = x.text;
  Object.assign(out, { personId: person.id, personEmail: person.email, created: x.at });
  if (x.toKeys.length) out.recipients = x.toKeys.map((k) => ({ personId: store.people.get(k)!.id, personEmail: store.people.get(k)!.email }));
  return out;
}

/** A meetingTranscripts event's (and webhook's) `data`: the transcript and its meeting. */
export function transcriptEventData(m: MeetingRec, t: TranscriptRec): Json {
  return { id: t.id, meetingId: m.id, created: t.at };
}

/** The `data` of a meeting event, by what `EventRec.data` names. */
export function meetingEventData(store: OrgStore, resource: string, type: string, data: Record<string, unknown>): Json {
  const m = store.meetings.get(data.meetingKey as string)!;
  if (resource === 'meetingMessages') return meetingMessageData(store, m, m.messages.find((x) => x.key === data.messageKey)!, type === 'deleted');
  return transcriptEventData(m, m.transcripts.find((t) => t.key === data.transcriptKey)!);
}
