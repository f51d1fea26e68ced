import type { Readable } from 'node:stream';
import type { Meeting, MeetingParticipant, MeetingTranscript } from '../webex/meeting-types.js';
import type { Membership, Message, Person, Room, Team } from '../webex/types.js';

/**
 * What capture needs from Webex, and nothing more: the REST client's own types (src/webex/types.ts,
 * field names from Cisco's OpenAPI spec, docs/webex-api.md §1), so the adapter in
 * src/capture/webex-source.ts passes them through without a cast. A membership needs only what the
 * participants list uses, so simulators and fixtures may leave out the rest.
 */
export type WxMessage = Message;
export type WxRoom = Room;
export type WxTeam = Team;
export type WxMembership = Pick<Membership, 'personId' | 'personEmail'> & Partial<Omit<Membership, 'personId' | 'personEmail'>>;
export type WxPerson = Person;
export interface WxAttachmentAction { id: string; type?: string; messageId: string; inputs?: Record<string, unknown>; personId: string; roomId: string; created: string }
export interface WxFile { name: string; contentType: string; body: Readable }
export type WxMeeting = Meeting;
export type WxMeetingParticipant = MeetingParticipant;
export type WxMeetingTranscript = MeetingTranscript;

/** What meeting chat and transcripts need (src/capture/meeting-item.ts, docs/webex-api.md "Meetings"). */
export interface MeetingReader {
  getMeeting(meetingId: string): Promise<WxMeeting>;
  listMeetingParticipants(meetingId: string): Promise<WxMeetingParticipant[]>;
  listMeetingTranscripts(meetingId: string): Promise<WxMeetingTranscript[]>;
  openTranscript(transcriptId: string, format: 'txt' | 'vtt'): Promise<Readable>;
}

export interface WebexReader {
  /** `retryNotFound`: REST can lag a webhook by seconds; a 404 just after one is retried. */
  getMessage(id: string, opts?: { retryNotFound?: number }): Promise<WxMessage>;
  getRoom(id: string): Promise<WxRoom>;
  getTeam(id: string): Promise<WxTeam>;
  listMemberships(roomId: string): Promise<WxMembership[]>;
  getPerson(id: string): Promise<WxPerson>;
  /** A card submission (GET /attachment/actions/{id}); optional so readers without cards still fit. */
  getAttachmentAction?(id: string, opts?: { retryNotFound?: number }): Promise<WxAttachmentAction>;
  /** Streams a file; throws ArchiverError GONE (410 infected), NOT_FOUND, or FORBIDDEN with reason 'unscannable' (428). */
  openFile(url: string): Promise<WxFile>;
  /** The file's real name from a HEAD (no bytes move), for recording a file we could not fetch. */
  fileName?(url: string): Promise<string | undefined>;
  /** Meetings, for in-meeting chat and transcripts; optional so readers without them still fit. */
  meetings?: MeetingReader;
}
