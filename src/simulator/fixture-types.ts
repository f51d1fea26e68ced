/**
 * The organization fixture, exactly as DESIGN.md ("The Webex simulator") shows it. Things are named
 * by short local keys; the simulator turns them into Webex-format ids (see ids.ts).
 * docs/simulator.md documents every field.
 */
export interface OrgFixture {
  org: { domains: string[] };
  people: FixturePerson[];
  teams?: FixtureTeam[];
  rooms: FixtureRoom[];
  memberships: FixtureMembership[];
  messages: FixtureMessage[];
  /** Meetings with their participants, in-meeting chat and transcripts (docs/simulator.md). */
  meetings?: FixtureMeeting[];
}

export interface FixturePerson {
  key: string;
  email: string;
  displayName: string;
}

export interface FixtureTeam {
  key: string;
  name: string;
}

export interface FixtureRoom {
  key: string;
  /** `group` with a `team` is a team space ("channel"). */
  type: 'direct' | 'group';
  title: string;
  team?: string | null;
  created: string;
  /** Renames and re-classifications, in time order: each a `rooms/updated` event (and webhook). */
  updates?: FixtureRoomUpdate[];
}

export interface FixtureRoomUpdate {
  at: string;
  /** Who made the change (a person key). */
  by: string;
  title?: string | null;
  /** A space classification, by name (the simulator derives its `classificationId`). */
  classification?: string | null;
}

export interface FixtureMembership {
  room: string;
  person: string;
  joined: string;
  left?: string | null;
  /** Moderator changes, in time order: each a `memberships/updated` event (and webhook). */
  moderator?: FixtureModeratorChange[];
}

export interface FixtureModeratorChange {
  at: string;
  isModerator: boolean;
  /** Who made the change (a person key). */
  by: string;
}

export interface FixtureEdit {
  at: string;
  text: string;
  html?: string | null;
}

export interface FixtureFile {
  name: string;
  contentType: string;
  /** Either the bytes (base64) or only a size, for which the simulator makes deterministic bytes. */
  base64?: string | null;
  size?: number | null;
}

export interface FixtureMessage {
  key: string;
  room: string;
  person: string;
  created: string;
  text: string;
  html?: string | null;
  parent?: string | null;
  edits?: FixtureEdit[];
  deleted?: string | null;
  files?: FixtureFile[];
  /** An Adaptive Card (its JSON), sent as the message's `attachments` like a bot or integration would. */
  card?: Record<string, unknown> | null;
  /** Submissions of the card (attachment actions), in time order after `created`. */
  submissions?: FixtureSubmission[];
}

export interface FixtureSubmission {
  at: string;
  /** Who submitted (a person key). */
  person: string;
  /** What the card's inputs held, by input id. */
  inputs: Record<string, unknown>;
}

/** One meeting instance (GET /meetings/{id}); its chat and transcripts are compliance events. */
export interface FixtureMeeting {
  key: string;
  title: string;
  /** The host (a person key); also a participant. */
  host: string;
  start: string;
  end: string;
  participants: FixtureMeetingParticipant[];
  messages?: FixtureMeetingMessage[];
  transcripts?: FixtureTranscript[];
}

export interface FixtureMeetingParticipant {
  person: string;
  /** Defaults to the meeting's start and end. */
  joined?: string | null;
  left?: string | null;
}

/** An in-meeting chat message (a `meetingMessages` event; `deleted` adds its deletion event). */
export interface FixtureMeetingMessage {
  key: string;
  person: string;
  at: string;
  text: string;
  /** A directed (private) message: its recipients (person keys); null or absent for everyone. */
  to?: string[] | null;
  deleted?: string | null;
}

/** A transcript: available (or `deleted`) from `at`, rendered as vtt and txt from its lines. */
export interface FixtureTranscript {
  key: string;
  at: string;
  lines: FixtureTranscriptLine[];
  status?: 'available' | 'deleted' | null;
}

export interface FixtureTranscriptLine {
  person: string;
  /** Seconds from the meeting's start. */
  offset: number;
  text: string;
}
