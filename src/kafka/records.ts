/**
 * TypeScript shapes of the Avro records in schemas/. Keep in step with the .avsc files: nothing
 * derives one from the other. What catches drift is test/e2e/skeleton.test.ts, which sends a
 * message through the real pipeline (each record encoded against its topic's registered schema)
 * and decodes a record of every pipeline topic with avsc and the schema under <topic>-value.
 * Avro ["null", T] unions decode to `T | null`.
 */
/**
 * Header the receiver puts on every webhooks record: the delivery's `resource`, so the runner can
 * schedule hydrate by it without decoding (src/pipeline/stages.ts, concurrentInKey).
 */
export const RESOURCE_HEADER = 'wxa-resource';

export interface WebhookDelivery {
  deliveryId: string;
  receivedAt: string;
  webhookId: string;
  resource: string;
  event: string;
  orgId: string | null;
  actorId: string | null;
  dataId: string | null;
  roomId: string | null;
  body: string;
  /**
   * The string fields of the envelope's `data` (ids, emails, names, times), taken when the
   * receiver parsed the body, so hydrate need not parse it again; null in records written
   * before the receiver kept them, for which hydrate parses `body`.
   */
  dataFields?: Record<string, string> | null;
}

export type CaptureSource = 'webhook' | 'crawler' | 'test';
export type MessageEvent = 'created' | 'updated' | 'deleted';
/** An email plan's event: a message version, or a room-day transcript (transcript mode). */
export type PlanEvent = MessageEvent | 'transcript';
export type FileStatus = 'stored' | 'infected' | 'unscannable' | 'missing';

export interface Person { personId: string; email: string; displayName: string }

export interface FileRef {
  contentId: string;
  url: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  container: string;
  blobName: string;
  status: FileStatus;
}

export interface RawMessage {
  source: CaptureSource;
  event: MessageEvent;
  versionAt: string;
  capturedAt: string;
  message: {
    id: string;
    roomId: string;
    roomType: string;
    parentId: string | null;
    personId: string;
    personEmail: string;
    text: string | null;
    markdown: string | null;
    html: string | null;
    created: string;
    updated: string | null;
    mentionedPeople: string[];
    isVoiceClip: boolean;
    /** Adaptive Cards sent with the message, each its JSON (also claim-checked as a file). */
    cards?: string[];
  };
  files: FileRef[];
  room: { id: string; title: string; type: string; teamId: string | null; teamName: string | null; created: string };
  sender: Person;
  participants: Person[];
  /**
   * Where `participants` came from: the membership timeline at versionAt, or (older than the
   * timeline reaches) the current membership. Null on records written before it existed.
   */
  participantsSource?: ParticipantsSource | null;
  /** What the record is: a message version (default, and on older records) or a conversation change. */
  kind?: RawKind;
  /** For `membership` records: the join or leave; `message` then describes it (see membership-item.ts). */
  change?: ConversationChange | null;
  /**
   * For `meeting-message` and `meeting-transcript` records: the meeting, which plays the room
   * (`room.id` and `message.roomId` are its id). Null on every other record.
   */
  meeting?: MeetingInfo | null;
}

export type RawKind = 'message' | 'membership' | 'room' | 'action' | 'meeting-message' | 'meeting-transcript';

/** The meeting an in-meeting message or a transcript belongs to (see src/capture/meeting-item.ts). */
export interface MeetingInfo {
  meetingId: string;
  title: string;
  /** When the meeting started and ended, as Webex scheduled or ran it; null when unknown. */
  start: string | null;
  end: string | null;
  host: Person | null;
  /** A meeting message sent to some participants only: `participants` are its sender and recipients. */
  directed: boolean;
}

export type ConversationChangeType = 'joined' | 'left' | 'moderator-added' | 'moderator-removed' | 'room-updated' | 'card-submitted';

/**
 * A change to a conversation archived as an item of its own: a join, a leave, a moderator change
 * (kind `membership`), a rename or re-classification (kind `room`).
 */
export interface ConversationChange {
  type: ConversationChangeType;
  /** The Webex membership id, or the room id for `room-updated`. */
  id: string;
  /**
   * What names the item on both paths: when the membership began for joins and leaves (the two
   * paths date a leave differently), the change's event time otherwise.
   */
  since: string;
  at: string;
  /** Who joined, left or had moderation changed; for `room-updated`, who updated the room. */
  person: Person;
  /** Who made the change, when someone else. */
  actor: Person | null;
  /** `room-updated`: the title and classification after the change. */
  title?: string | null;
  classificationId?: string | null;
  /** `card-submitted`: the card's message, and what its inputs held (JSON). */
  parentId?: string | null;
  inputs?: string | null;
}

export type ParticipantsSource = 'timeline' | 'current-membership';

/**
 * One join or leave of one person in one room (webex.memberships.v1, compacted, key
 * membershipChangeKey): the membership timeline that gives every item its participants at the time.
 */
export interface MembershipChange {
  roomId: string;
  personId: string;
  personEmail: string;
  personDisplayName: string;
  membershipId: string;
  change: 'joined' | 'left';
  /** When it happened (ISO-8601 UTC). */
  at: string;
  source: CaptureSource;
  observedAt: string;
}

export interface Address { name: string; address: string }
export interface Header { name: string; value: string }
export type AttachmentStatus = FileStatus | 'stripped';

export interface AttachmentRef {
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  container: string;
  blobName: string;
  status: AttachmentStatus;
}

export interface LimitDecision {
  decision: 'pass' | 'strip'; encodedBytes: number; limitBytes: number; strippedCount: number;
  /** Encoded size of the plan as it goes on (after stripping), what stage renders; null in records from before limit kept it. */
  renderedBytes?: number | null;
}

/**
 * The conversation an item belongs to, as fields (schemas/webex.email-plan.v1.avsc): transcript
 * mode and exports read these, never the rendered headers, subject or bodies.
 */
export interface Conversation {
  roomType: 'direct' | 'group' | 'team';
  roomTitle: string | null;
  teamId: string | null;
  teamName: string | null;
  parentId: string | null;
  /** The item's own text and safe HTML, without the notes the email adds around them. */
  bodyText: string;
  bodyHtml: string;
}

export interface EmailPlan {
  itemId: string;
  webexMessageId: string;
  roomId: string;
  event: string;
  source: string;
  versionAt: string;
  webexCreated: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  date: string;
  subject: string;
  from: Address;
  to: Address[];
  headers: Header[];
  text: string;
  html: string;
  attachments: AttachmentRef[];
  participants: Person[];
  limit: LimitDecision | null;
  /** Null only in plans written before the field existed. */
  conversation: Conversation | null;
}

export interface StagedItem {
  itemId: string;
  webexMessageId: string;
  roomId: string;
  event: string;
  messageId: string;
  date: string;
  webexCreated: string;
  container: string;
  blobName: string;
  size: number;
  sha256: string;
  partial: boolean;
  strippedCount: number;
  /** The .eml when it is at most INLINE_MAX_BYTES; null above (read it from the blob). */
  inline?: Buffer | null;
  participants: Person[];
}

/** What an import task repeats of its staged item: ids, dates and where the .eml is. */
type StagedRef = Pick<StagedItem, 'itemId' | 'webexMessageId' | 'roomId' | 'messageId' | 'date' | 'webexCreated' | 'container' | 'blobName' | 'size' | 'sha256' | 'partial' | 'inline'>;

/** One staged item for one mailbox (webex.imports.v1, keyed by the mailbox). */
export interface ImportTask extends StagedRef {
  mailbox: string;
  participantEmail: string;
  viaFallback: boolean;
}

/**
 * Items up to this size travel inline in webex.staged.v1 and webex.imports.v1 besides their blob:
 * one chat message's .eml is a few KB, and reading it back from blob storage once per mailbox copy
 * was the import stage's largest cost. Larger items are claim-checked only (Kafka stays small).
 */
export const INLINE_MAX_BYTES = 64 * 1024;

/** `failed`: dead-lettered (redrive brings it back); `parked`: on a retry topic, comes back by itself when due; `rebuilt`: a late version of a closed transcript day, whose room-day was built again; `noted`: archived, with something an auditor should know (e.g. participants from current membership). */
export type OutcomeKind = 'imported' | 'duplicate' | 'partial' | 'rejected' | 'unmapped' | 'failed' | 'parked' | 'rebuilt' | 'noted';

export interface Outcome {
  at: string;
  kind: OutcomeKind;
  processor: string;
  itemId: string;
  webexMessageId: string;
  roomId: string;
  mailbox: string | null;
  participantEmail: string | null;
  reason: string | null;
  size: number | null;
  webexCreated: string | null;
}

export interface DeadLetter {
  processor: string;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  errorCode: string;
  errorMessage: string;
  attempts: number;
  at: string;
}

/**
 * A record parked on a retry topic (webex.imports.retry-N.v1): its origin and bytes, like a dead
 * letter, plus how often it was parked and when it is due back on its origin topic.
 */
export interface ParkedRecord extends Omit<DeadLetter, 'attempts' | 'at'> {
  parks: number;
  parkedAt: string;
  dueAt: string;
}

/** A dead letter or parked record that `redrive` sent back (compacted webex.redrive.ledger.v1). */
export interface RedriveEntry {
  source: string;
  origin: string;
  processor: string;
  itemId: string;
  redrivenAt: string;
}

export interface CrawlerCheckpoint {
  name: string;
  cursor: string;
  complete: boolean;
  runStartedAt: string;
  updatedAt: string;
  published: number;
  /** Events: the end of a range being read; set while it is unfinished (`cursor` is then its start). */
  rangeTo?: string | null;
  /** Events: the resource whose list was being read in that range. */
  resource?: string | null;
  /** Events: that list's next page (its Link rel="next"); null when the list was finished. */
  nextPage?: string | null;
}

export interface DedupeEntry {
  itemId: string;
  firstSeenAt: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
}

/** One item the SMTP journaling sink saw accepted (webex.smtp.ledger.v1, compacted, key: target + Message-ID). */
export interface SmtpLedgerEntry {
  messageId: string;
  target: string;
  form: string;
  acceptedAt: string;
  size: number;
  reply: string;
}
