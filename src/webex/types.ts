/**
 * Webex resources as the REST API returns them. Field names are exactly those of Cisco's official
 * OpenAPI spec (webex-messaging.json, components.schemas); optional marks follow what the API may
 * omit. Where the spec is known to be wrong the comment says so and we follow the docs' examples
 * (docs/webex-api.md §1).
 */

export type RoomType = 'direct' | 'group';

/** An Adaptive Card. The spec's `Attachment` schema describes ECM files; the example shows this. */
export interface MessageAttachment {
  contentType: string;
  content: Record<string, unknown>;
}

/** An Adaptive Card submission (webex-api.md, Attachment actions). */
export interface AttachmentAction {
  id: string;
  type: string;
  messageId: string;
  inputs?: Record<string, unknown>;
  personId: string;
  roomId: string;
  created: string;
}

/** `ListMessage`: what GET /messages and GET /messages/{id} return. */
export interface Message {
  id: string;
  parentId?: string;
  roomId: string;
  roomType?: RoomType;
  text?: string;
  markdown?: string;
  html?: string;
  /** URLs of the form `https://webexapis.com/v1/contents/{contentId}`. */
  files?: string[];
  personId: string;
  personEmail: string;
  /** A real array, although the spec's example is one comma-joined string. */
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  attachments?: MessageAttachment[];
  created: string;
  /** Present only when the content has been edited. */
  updated?: string;
  isVoiceClip?: boolean;
}

export interface Room {
  id: string;
  title?: string;
  type: RoomType;
  isLocked?: boolean;
  /** Present when the space belongs to a team (a team "channel"). */
  teamId?: string;
  lastActivity?: string;
  creatorId?: string;
  created: string;
  /** The owning organization. */
  ownerId?: string;
  classificationId?: string;
  isAnnouncementOnly?: boolean;
  isReadOnly?: boolean;
  isPublic?: boolean;
  madePublic?: string;
  description?: string;
}

export interface Team {
  id: string;
  name?: string;
  description?: string;
  created?: string;
}

export interface Membership {
  id: string;
  roomId: string;
  personId: string;
  personEmail: string;
  personDisplayName?: string;
  personOrgId?: string;
  isModerator?: boolean;
  isRoomHidden?: boolean;
  roomType?: RoomType;
  /** Deprecated by Webex. */
  isMonitor?: boolean;
  created?: string;
}

export interface Person {
  id: string;
  emails?: string[];
  displayName?: string;
  nickName?: string;
  firstName?: string;
  lastName?: string;
  avatar?: string;
  orgId?: string;
  roles?: string[];
  licenses?: string[];
  department?: string;
  title?: string;
  created?: string;
  lastModified?: string;
  timezone?: string;
  lastActivity?: string;
  status?: string;
  type?: 'person' | 'bot' | 'appuser';
}

/** The spec's `EventResourceEnum` (files and file_transcodings emit a `read` type it lacks, §1). */
export type EventResource =
  | 'attachmentActions' | 'businessTexts' | 'call_records' | 'convergedRecordings' | 'file_transcodings' | 'files'
  | 'meetingMessages' | 'meetings' | 'meetingTranscripts' | 'memberships' | 'messages' | 'rooms' | 'tabs';

export type EventType = 'created' | 'updated' | 'deleted' | 'ended';

/** A compliance event: `data` is a snapshot of the resource when the event took place. */
export interface WebexEvent {
  id: string;
  resource: EventResource | (string & {});
  type: EventType | (string & {});
  /** Examples literally contain the string "null". */
  appId?: string;
  actorId: string;
  orgId: string;
  created: string;
  data: Record<string, unknown> & { id?: string; roomId?: string };
}

/** POST /webhooks. */
export interface WebhookCreate {
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  ownedBy?: 'org';
}

export interface Webhook extends Omit<WebhookCreate, 'ownedBy'> {
  id: string;
  status?: 'active' | 'inactive';
  created?: string;
  ownedBy?: string;
  /** Seen in real payloads, absent from the spec. */
  orgId?: string;
  createdBy?: string;
  appId?: string;
}

/** PUT /webhooks/{id}: only these fields count; `status:"active"` re-activates a disabled webhook. */
export interface WebhookUpdate {
  name: string;
  targetUrl: string;
  secret?: string;
  status?: 'active';
}

/** `{items:[...]}`, the shape of every list response (docs/webex-api.md §0). */
export interface ListPage<T> {
  items: T[];
  /** Only on GET /people?id=… */
  notFoundIds?: string[];
}

/** What HEAD /contents/{id} tells about a file (docs/webex-api.md §1, File contents). */
export interface ContentInfo {
  /** From Content-Disposition; undefined when the header has none. */
  filename: string | undefined;
  contentType: string | undefined;
  /** Peers report Content-Length as unreliable: a hint, not a promise. */
  contentLength: number | undefined;
  /** True when the file was fetched with `?allow=unscannable` (428 answered first). */
  unscannable: boolean;
}
