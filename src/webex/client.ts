import type { Readable } from 'node:stream';
import { ArchiverError } from '../errors.js';
import { createContentsApi, type ContentsApi } from './contents.js';
import { WebexHttp, type WebexHttpOptions } from './http.js';
import { pagedList, type PagedList } from './paged-list.js';
import type { Meeting, MeetingParticipant, MeetingTranscript } from './meeting-types.js';
import type { AttachmentAction, EventResource, EventType, Membership, Message, Person, Room, RoomType, Team, Webhook, WebhookCreate, WebhookUpdate, WebexEvent } from './types.js';

/**
 * Typed Webex REST calls (docs/webex-api.md §1), one namespace per resource. Lists are lazy async
 * iterables that follow next links (pagination.ts); every call goes through one WebexHttp, so they
 * share its token, in-flight limit, 429 pause and retry policy.
 */

interface Call {
  signal?: AbortSignal;
}

export interface PeopleListQuery extends Call {
  email?: string;
  /** Prefix match. */
  displayName?: string;
  /** Up to 85 ids. */
  id?: readonly string[];
  orgId?: string;
  max?: number;
}

export interface RoomListQuery extends Call {
  type?: RoomType;
  teamId?: string;
  sortBy?: 'id' | 'lastactivity' | 'created';
  /** 1–1000, default 100. */
  max?: number;
}

export interface MembershipListQuery extends Call {
  roomId?: string;
  personId?: string;
  /** Without roomId only a Compliance Officer may ask: all that user's memberships in the org. */
  personEmail?: string;
  max?: number;
}

export interface MessageListQuery extends Call {
  roomId: string;
  /** ISO time: only messages created before it. */
  before?: string;
  /** Only messages before this message id. */
  beforeMessage?: string;
  parentId?: string;
  /** `me` or the caller's own person id. */
  mentionedPeople?: readonly string[];
  max?: number;
}

export interface EventListQuery extends Call {
  resource?: EventResource | (string & {});
  type?: EventType | (string & {});
  actorId?: string;
  /** ISO time: events after it. */
  from?: string;
  /** ISO time, not in the future. */
  to?: string;
  /** 1–1000, default 100. */
  max?: number;
  /** A next link from an earlier page of this same list: the list resumes there (the other fields are then in the link). */
  startAt?: string;
}

export interface GetOptions extends Call {
  /** REST can lag a webhook (docs/webex-api.md §4): retry a 404 this many times with backoff. */
  retryNotFound?: number;
}

export interface WebexClient {
  readonly http: WebexHttp;
  people: {
    get(id: string, opts?: GetOptions): Promise<Person>;
    me(opts?: Call): Promise<Person>;
    list(q: PeopleListQuery): PagedList<Person>;
  };
  rooms: {
    get(id: string, opts?: GetOptions): Promise<Room>;
    list(q?: RoomListQuery): PagedList<Room>;
  };
  teams: {
    get(id: string, opts?: GetOptions): Promise<Team>;
    list(q?: { max?: number } & Call): PagedList<Team>;
  };
  memberships: {
    list(q: MembershipListQuery): PagedList<Membership>;
  };
  messages: {
    get(id: string, opts?: GetOptions): Promise<Message>;
    /** Newest first, as the API sorts them. */
    list(q: MessageListQuery): PagedList<Message>;
  };
  /** Card submissions (GET /attachment/actions/{id}: id, type, messageId, inputs, personId, roomId, created). */
  attachmentActions: {
    get(id: string, opts?: GetOptions): Promise<AttachmentAction>;
  };
  events: {
    get(id: string, opts?: GetOptions): Promise<WebexEvent>;
    list(q?: EventListQuery): PagedList<WebexEvent>;
  };
  /** Meetings (docs/webex-api.md, "Meetings"): the meeting, its participants, its transcripts. */
  meetings: {
    get(id: string, opts?: GetOptions): Promise<Meeting>;
    /** GET /meetingParticipants: meetingId is required; `max` 1–100 (default 10). */
    participants(q: { meetingId: string; max?: number } & Call): PagedList<MeetingParticipant>;
    /** GET /meetingTranscripts, by meeting or time range. */
    transcripts(q: { meetingId?: string; from?: string; to?: string; max?: number } & Call): PagedList<MeetingTranscript>;
    /** GET /meetingTranscripts/{id}/download?format=txt|vtt, as a stream. */
    downloadTranscript(id: string, format: 'txt' | 'vtt', opts?: GetOptions): Promise<Readable>;
  };
  webhooks: {
    list(q?: { ownedBy?: 'org'; max?: number } & Call): PagedList<Webhook>;
    get(id: string, opts?: GetOptions): Promise<Webhook>;
    create(body: WebhookCreate, opts?: Call): Promise<Webhook>;
    /** PUT: re-activates an auto-disabled webhook with `status: "active"`; cannot deactivate. */
    update(id: string, body: WebhookUpdate, opts?: Call): Promise<Webhook>;
    delete(id: string, opts?: Call): Promise<void>;
  };
  contents: ContentsApi;
}

export type WebexClientOptions = WebexHttpOptions;

function checkMax(what: string, max: number | undefined, cap: number): void {
  if (max === undefined) return;
  if (!Number.isInteger(max) || max < 1 || max > cap) throw new ArchiverError('BAD_INPUT', `${what}: max must be an integer in 1..${cap}, got ${max}`);
}

function need(what: string, value: string): string {
  if (typeof value !== 'string' || value === '') throw new ArchiverError('BAD_INPUT', `${what} is required`);
  return encodeURIComponent(value);
}

export function createWebexClient(opts: WebexClientOptions): WebexClient {
  const http = new WebexHttp(opts);
  const get = async <T>(path: string, o: GetOptions = {}): Promise<T> => (await http.json<T>('GET', path, { retryNotFound: o.retryNotFound, signal: o.signal })).body;

  return {
    http,
    people: {
      get: (id, o) => get<Person>(`/people/${need('person id', id)}`, o),
      me: (o) => get<Person>('/people/me', o),
      list: (q) => {
        if (q.id && q.id.length > 85) throw new ArchiverError('BAD_INPUT', `people.list: at most 85 ids, got ${q.id.length}`);
        return pagedList<Person>(http, '/people', { email: q.email, displayName: q.displayName, id: q.id, orgId: q.orgId, max: q.max }, q.signal);
      },
    },
    rooms: {
      get: (id, o) => get<Room>(`/rooms/${need('room id', id)}`, o),
      list: (q = {}) => {
        checkMax('rooms.list', q.max, 1000);
        return pagedList<Room>(http, '/rooms', { type: q.type, teamId: q.teamId, sortBy: q.sortBy, max: q.max }, q.signal);
      },
    },
    attachmentActions: {
      get: (id, o) => get<AttachmentAction>(`/attachment/actions/${need('attachment action id', id)}`, o),
    },
    teams: {
      get: (id, o) => get<Team>(`/teams/${need('team id', id)}`, o),
      list: (q = {}) => pagedList<Team>(http, '/teams', { max: q.max }, q.signal),
    },
    memberships: {
      list: (q) => {
        if (!q.roomId && !q.personId && !q.personEmail) throw new ArchiverError('BAD_INPUT', 'memberships.list needs roomId, personId or personEmail');
        return pagedList<Membership>(http, '/memberships', { roomId: q.roomId, personId: q.personId, personEmail: q.personEmail, max: q.max }, q.signal);
      },
    },
    messages: {
      get: (id, o) => get<Message>(`/messages/${need('message id', id)}`, o),
      list: (q) => {
        need('messages.list roomId', q.roomId);
        checkMax('messages.list', q.max, 1000);
        return pagedList<Message>(http, '/messages', {
          roomId: q.roomId, before: q.before, beforeMessage: q.beforeMessage, parentId: q.parentId, mentionedPeople: q.mentionedPeople, max: q.max,
        }, q.signal);
      },
    },
    events: {
      get: (id, o) => get<WebexEvent>(`/events/${need('event id', id)}`, o),
      list: (q = {}) => {
        checkMax('events.list', q.max, 1000);
        return pagedList<WebexEvent>(http, '/events', { resource: q.resource, type: q.type, actorId: q.actorId, from: q.from, to: q.to, max: q.max }, q.signal, q.startAt);
      },
    },
    meetings: {
      get: (id, o) => get<Meeting>(`/meetings/${need('meeting id', id)}`, o),
      participants: (q) => {
        need('meetingParticipants meetingId', q.meetingId);
        checkMax('meetings.participants', q.max, 100);
        return pagedList<MeetingParticipant>(http, '/meetingParticipants', { meetingId: q.meetingId, max: q.max }, q.signal);
      },
      transcripts: (q) => {
        checkMax('meetings.transcripts', q.max, 100);
        return pagedList<MeetingTranscript>(http, '/meetingTranscripts', { meetingId: q.meetingId, from: q.from, to: q.to, max: q.max }, q.signal);
      },
      downloadTranscript: async (id, format, o = {}) =>
        (await http.stream(`/meetingTranscripts/${need('transcript id', id)}/download`, { query: { format }, retryNotFound: o.retryNotFound, signal: o.signal })).body,
    },
    webhooks: {
      list: (q = {}) => pagedList<Webhook>(http, '/webhooks', { ownedBy: q.ownedBy, max: q.max }, q.signal),
      get: (id, o) => get<Webhook>(`/webhooks/${need('webhook id', id)}`, o),
      create: async (body, o = {}) => (await http.json<Webhook>('POST', '/webhooks', { json: body, signal: o.signal })).body,
      update: async (id, body, o = {}) => (await http.json<Webhook>('PUT', `/webhooks/${need('webhook id', id)}`, { json: body, signal: o.signal })).body,
      delete: (id, o = {}) => http.send('DELETE', `/webhooks/${need('webhook id', id)}`, { signal: o.signal }),
    },
    contents: createContentsApi(http),
  };
}
