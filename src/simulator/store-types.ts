import type { FileBytes } from './file-bytes.js';

/** The simulator's in-memory organization, built from a fixture (store.ts). */

export interface PersonRec {
  key: string;
  uuid: string;
  id: string;
  email: string;
  displayName: string;
  orgUuid: string;
  /** True when the email's domain is not one of the organization's (another org's user). */
  external: boolean;
  created: string;
}

export interface TeamRec {
  key: string;
  uuid: string;
  id: string;
  name: string;
  created: string;
}

export interface RoomRec {
  key: string;
  uuid: string;
  id: string;
  type: 'direct' | 'group';
  title: string;
  teamKey: string | undefined;
  created: string;
  creatorKey: string | undefined;
  /** Position in list order (ties on `created`). */
  seq: number;
  /** Renames and re-classifications in time order; `released` of them have happened. */
  updates: RoomUpdateRec[];
  released: number;
}

export interface RoomUpdateRec {
  at: string;
  byKey: string;
  title: string | undefined;
  classificationId: string | undefined;
}

export interface MembershipRec {
  id: string;
  roomKey: string;
  personKey: string;
  joined: string;
  left: string | undefined;
  seq: number;
  /** Moderator changes in time order; `released` of them have happened. */
  moderator: { at: string; isModerator: boolean; byKey: string }[];
  released: number;
}

export interface VersionRec {
  kind: 'created' | 'updated' | 'deleted';
  at: string;
  text: string;
  html: string | undefined;
}

export interface FileRec {
  index: number;
  contentId: string;
  name: string;
  contentType: string;
  bytes: FileBytes;
}

export interface MessageRec {
  key: string;
  uuid: string;
  id: string;
  roomKey: string;
  personKey: string;
  parentKey: string | undefined;
  created: string;
  versions: VersionRec[];
  /** How many of `versions` have happened so far (playLive releases held ones). */
  released: number;
  files: FileRec[];
  /** An Adaptive Card sent with the message (its `attachments`). */
  card?: Record<string, unknown>;
  /** Submissions of the card (attachment actions); `submitted` of them have happened. */
  submissions: SubmissionRec[];
  submitted: number;
  /** Global creation order, the tie-breaker for equal `created` times. */
  seq: number;
}

export interface SubmissionRec {
  id: string;
  at: string;
  personKey: string;
  inputs: Record<string, unknown>;
}

export interface EventRec {
  id: string;
  resource: 'messages' | 'memberships' | 'rooms' | 'attachmentActions' | 'meetingMessages' | 'meetingTranscripts';
  type: 'created' | 'updated' | 'deleted';
  actorKey: string;
  created: string;
  data: Record<string, unknown>;
  seq: number;
}

export interface WebhookRec {
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter: string | undefined;
  secret: string | undefined;
  status: 'active' | 'inactive';
  created: string;
  ownedBy: string;
  seq: number;
  /** Failure times (ms) inside the disable window. */
  failures: number[];
  reactivatedAt: number | undefined;
}

/** A meeting instance with what happened in it (meeting-store.ts). */
export interface MeetingRec {
  key: string;
  /** The meeting instance id: `<series hex>_<start as YYYYMMDDTHHMMSSZ>`, like Webex's. */
  id: string;
  seriesHex: string;
  title: string;
  hostKey: string;
  start: string;
  end: string;
  participants: { personKey: string; joined: string; left: string }[];
  messages: MeetingMessageRec[];
  transcripts: TranscriptRec[];
}

export interface MeetingMessageRec {
  key: string;
  id: string;
  personKey: string;
  at: string;
  text: string;
  toKeys: string[];
  deleted: string | undefined;
}

export interface TranscriptRec {
  key: string;
  id: string;
  at: string;
  status: 'available' | 'deleted';
  lines: { personKey: string; offset: number; text: string }[];
}
