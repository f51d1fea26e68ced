import type { DeadLetter, EmailPlan, ImportTask, Outcome, ParkedRecord, RawMessage, StagedItem, WebhookDelivery } from '../kafka/records.js';
import type { ParkTopic } from '../kafka/park-policy.js';
import type { TopicKey } from '../kafka/topics.js';
import { itemIdOf } from '../mail/message-id.js';
import { toDeadLetterRow, type DeadLetterRow } from './dead-letter-rows.js';
import { cleanReason } from './outcome-rows.js';

/**
 * The pure core of `trace`: one Webex message's whole story from the records of every topic,
 * as ids, offsets, sizes, hashes and outcomes. A record is first cut down to a summary (below)
 * as it is read, so no message text or attachment name is ever kept, and the report cannot
 * carry any.
 */

/** Where a record sits. */
export interface At { topic: TopicKey; partition: number; offset: string; timestamp: string }

export type Summary =
  | (At & { topic: 'webhooks'; webexMessageId: string; itemId: null; event: string; deliveryId: string })
  | (At & { topic: 'raw'; webexMessageId: string; itemId: string; roomId: string; event: string; versionAt: string; source: string; files: { size: number; sha256: string; status: string }[] })
  | (At & { topic: 'converted' | 'unique' | 'limited'; webexMessageId: string; itemId: string; roomId: string; event: string; versionAt: string; source: string; limit: EmailPlan['limit'] })
  | (At & { topic: 'staged'; webexMessageId: string; itemId: string; roomId: string; container: string; blobName: string; size: number; sha256: string; partial: boolean; strippedCount: number; participants: number })
  | (At & { topic: 'imports'; webexMessageId: string; itemId: string; mailbox: string; participantEmail: string; viaFallback: boolean })
  | (At & { topic: 'outcomes'; webexMessageId: string; itemId: string; kind: string; processor: string; mailbox: string | null; participantEmail: string | null; reason: string; outcomeAt: string })
  | (At & { topic: 'deadLetter'; webexMessageId: string | null; itemId: string | null; row: DeadLetterRow })
  | (At & { topic: ParkTopic; webexMessageId: string; itemId: string; mailbox: string; parks: number; dueAt: string; errorCode: string });

/** The retry topics import parks a copy on (docs/operations.md); their consumers send it back when due. */
const PARK_TOPICS = ['importsRetry1', 'importsRetry2', 'importsRetry3'] as const satisfies readonly ParkTopic[];

/** The topics `trace` reads, in pipeline order. */
export const TRACED_TOPICS = ['webhooks', 'raw', 'converted', 'unique', 'limited', 'staged', 'imports', ...PARK_TOPICS, 'outcomes', 'deadLetter'] as const satisfies readonly TopicKey[];
/** Topics whose records hold another record's bytes (`value`), decoded for their ids only. */
export const WRAPPING_TOPICS: ReadonlySet<TopicKey> = new Set<TopicKey>(['deadLetter', ...PARK_TOPICS]);
export type TracedTopic = (typeof TRACED_TOPICS)[number];

/** Cuts a decoded record down to its ids; null when it is not about a message (e.g. a membership webhook). */
export function summarize(at: At, value: unknown, original?: unknown): Summary | null {
  switch (at.topic) {
    case 'webhooks': {
      const d = value as WebhookDelivery;
      return d.resource === 'messages' && d.dataId ? { ...at, topic: 'webhooks', webexMessageId: d.dataId, itemId: null, event: d.event, deliveryId: d.deliveryId } : null;
    }
    case 'raw': {
      const r = value as RawMessage;
      return {
        ...at, topic: 'raw', webexMessageId: r.message.id, itemId: itemIdOf(r.message.id, r.event, r.versionAt), roomId: r.message.roomId,
        event: r.event, versionAt: r.versionAt, source: r.source, files: r.files.map((f) => ({ size: f.size, sha256: f.sha256, status: f.status })),
      };
    }
    case 'converted': case 'unique': case 'limited': {
      const p = value as EmailPlan;
      return { ...at, topic: at.topic, webexMessageId: p.webexMessageId, itemId: p.itemId, roomId: p.roomId, event: p.event, versionAt: p.versionAt, source: p.source, limit: p.limit };
    }
    case 'staged': {
      const s = value as StagedItem;
      return {
        ...at, topic: 'staged', webexMessageId: s.webexMessageId, itemId: s.itemId, roomId: s.roomId, container: s.container, blobName: s.blobName,
        size: s.size, sha256: s.sha256, partial: s.partial, strippedCount: s.strippedCount, participants: s.participants.length,
      };
    }
    case 'imports': {
      const t = value as ImportTask;
      return { ...at, topic: 'imports', webexMessageId: t.webexMessageId, itemId: t.itemId, mailbox: t.mailbox, participantEmail: t.participantEmail, viaFallback: t.viaFallback };
    }
    case 'outcomes': {
      const o = value as Outcome;
      return {
        ...at, topic: 'outcomes', webexMessageId: o.webexMessageId, itemId: o.itemId, kind: o.kind, processor: o.processor,
        mailbox: o.mailbox, participantEmail: o.participantEmail, reason: cleanReason(o.reason), outcomeAt: o.at,
      };
    }
    case 'deadLetter': {
      const row = toDeadLetterRow(value as DeadLetter, original);
      return { ...at, topic: 'deadLetter', webexMessageId: row.webexMessageId, itemId: row.itemId, row };
    }
    case 'importsRetry1': case 'importsRetry2': case 'importsRetry3': {
      const r = value as ParkedRecord;
      const t = original as ImportTask | null;
      return t?.itemId ? { ...at, topic: at.topic, webexMessageId: t.webexMessageId, itemId: t.itemId, mailbox: t.mailbox, parks: r.parks, dueAt: r.dueAt, errorCode: r.errorCode } : null;
    }
    default:
      return null;
  }
}

export function matches(s: Summary, id: string): boolean {
  return s.webexMessageId === id || s.itemId === id;
}

/** A position and whether the processor reading that topic has committed past it. */
export interface StagePosition { partition: number; offset: string; writtenAt: string; consumedBy: string | null; consumed: boolean | null }

export interface BlobCheck { present: boolean; size: number | null; sha256: string | null; matches: boolean }

export interface MailboxStory {
  mailbox: string;
  participantEmail: string | null;
  viaFallback: boolean | null;
  task: StagePosition | null;
  /** Each time the copy was parked: on which retry topic, due when, and whether it was sent back. */
  parked: (StagePosition & { topic: string; parks: number; dueAt: string; errorCode: string })[];
  /** Every outcome for this copy, oldest first; the last one is where it stands. */
  outcomes: { kind: string; processor: string; reason: string; at: string }[];
  state: string;
}

export interface VersionStory {
  itemId: string;
  event: string;
  versionAt: string | null;
  sources: string[];
  stages: { topic: TracedTopic; positions: StagePosition[] }[];
  /** The furthest topic the version reached. */
  reached: TracedTopic | null;
  limit: EmailPlan['limit'];
  staged: { container: string; blobName: string; size: number; sha256: string; partial: boolean; strippedCount: number; participants: number; blob: BlobCheck | null } | null;
  mailboxes: MailboxStory[];
  /** Outcomes that name no mailbox: rejected by the size limit, an unmapped participant. */
  otherOutcomes: { kind: string; processor: string; participantEmail: string | null; reason: string; at: string }[];
  deadLetters: DeadLetterRow[];
}

export interface TraceReport {
  query: string;
  webexMessageId: string | null;
  roomId: string | null;
  found: boolean;
  deliveries: { deliveryId: string; event: string; partition: number; offset: string; writtenAt: string; consumed: boolean | null }[];
  versions: VersionStory[];
  /** Dead letters and outcomes of the message that no version's stage record holds (a webhook delivery hydrate gave up on). */
  deadLetters: DeadLetterRow[];
  outcomes: { kind: string; processor: string; itemId: string; reason: string; at: string }[];
  scanned: { topic: string; records: number }[];
}

/** Which processor reads each traced topic and its committed offsets per partition. */
export type Committed = Partial<Record<TracedTopic, { processor: string; offsets: Map<number, bigint> }>>;

const STAGE_TOPICS = ['raw', 'converted', 'unique', 'limited', 'staged', 'imports'] as const;
const EVENT_ORDER: Record<string, number> = { created: 0, updated: 1, deleted: 2 };

function position(s: At, committed: Committed): StagePosition {
  const c = committed[s.topic as TracedTopic];
  const next = c?.offsets.get(s.partition);
  return {
    partition: s.partition, offset: s.offset, writtenAt: new Date(Number(s.timestamp)).toISOString(),
    consumedBy: c?.processor ?? null, consumed: c ? next !== undefined && next > BigInt(s.offset) : null,
  };
}

/**
 * Assembles the story from the summaries that match the message: versions by item id, in
 * version order; per version its positions stage by stage, the staged blob (with what the
 * shell found in blob storage, `blobs`), and per mailbox its task and outcomes.
 */
export function buildTrace(query: string, summaries: readonly Summary[], committed: Committed, scanned: TraceReport['scanned'], blobs: ReadonlyMap<string, BlobCheck> = new Map()): TraceReport {
  const messageId = summaries.find((s) => s.webexMessageId === query)?.webexMessageId ?? summaries.find((s) => s.webexMessageId)?.webexMessageId ?? null;
  const mine = summaries.filter((s) => (messageId ? s.webexMessageId === messageId : false) || s.itemId === query);
  const roomId = mine.map((s) => ('roomId' in s ? s.roomId : null)).find((r) => r) ?? null;
  // A version is an item id some stage record holds; an outcome or dead letter of an id no stage
  // holds (a webhook delivery hydrate gave up on) belongs to the message as a whole.
  const versionIds = new Set(mine.flatMap((s) => (s.itemId && s.topic !== 'outcomes' && s.topic !== 'deadLetter' ? [s.itemId] : [])));
  const byItem = new Map<string, Summary[]>();
  for (const s of mine) {
    if (!s.itemId || !versionIds.has(s.itemId)) continue;
    byItem.set(s.itemId, [...(byItem.get(s.itemId) ?? []), s]);
  }
  const unplaced = mine.filter((s) => !s.itemId || !versionIds.has(s.itemId));
  const versions = [...byItem.entries()].map(([itemId, rs]) => versionStory(itemId, rs, committed, blobs));
  versions.sort((a, b) => (a.versionAt ?? '').localeCompare(b.versionAt ?? '') || (EVENT_ORDER[a.event] ?? 9) - (EVENT_ORDER[b.event] ?? 9));
  return {
    query, webexMessageId: messageId, roomId, found: mine.length > 0,
    deliveries: mine.flatMap((s) => (s.topic === 'webhooks' ? [{ deliveryId: s.deliveryId, event: s.event, ...pick(position(s, committed)) }] : [])),
    versions,
    deadLetters: unplaced.flatMap((s) => (s.topic === 'deadLetter' ? [s.row] : [])),
    outcomes: unplaced.flatMap((s) => (s.topic === 'outcomes' ? [{ kind: s.kind, processor: s.processor, itemId: s.itemId, reason: s.reason, at: s.outcomeAt }] : [])),
    scanned,
  };
}

function pick(p: StagePosition) {
  return { partition: p.partition, offset: p.offset, writtenAt: p.writtenAt, consumed: p.consumed };
}

function versionStory(itemId: string, rs: Summary[], committed: Committed, blobs: ReadonlyMap<string, BlobCheck>): VersionStory {
  const plan = rs.find((s) => s.topic === 'raw' || s.topic === 'converted' || s.topic === 'unique' || s.topic === 'limited') as Extract<Summary, { versionAt: string }> | undefined;
  const limited = rs.find((s): s is Extract<Summary, { limit: unknown }> => s.topic === 'limited');
  const staged = rs.find((s) => s.topic === 'staged') as Extract<Summary, { topic: 'staged' }> | undefined;
  const stages = STAGE_TOPICS.map((topic) => ({ topic, positions: rs.filter((s) => s.topic === topic).map((s) => position(s, committed)) })).filter((s) => s.positions.length > 0);
  const outcomes = rs.filter((s): s is Extract<Summary, { topic: 'outcomes' }> => s.topic === 'outcomes').sort((a, b) => a.outcomeAt.localeCompare(b.outcomeAt));
  const mailboxes = new Map<string, MailboxStory>();
  const story = (mailbox: string): MailboxStory => {
    let m = mailboxes.get(mailbox);
    if (!m) mailboxes.set(mailbox, (m = { mailbox, participantEmail: null, viaFallback: null, task: null, parked: [], outcomes: [], state: 'pending' }));
    return m;
  };
  for (const t of rs) {
    if (t.topic !== 'imports') continue;
    const m = story(t.mailbox);
    m.participantEmail = t.participantEmail;
    m.viaFallback = t.viaFallback;
    m.task ??= position(t, committed);
  }
  for (const p of rs) {
    if (p.topic !== 'importsRetry1' && p.topic !== 'importsRetry2' && p.topic !== 'importsRetry3') continue;
    story(p.mailbox).parked.push({ ...position(p, committed), topic: p.topic, parks: p.parks, dueAt: p.dueAt, errorCode: p.errorCode });
  }
  const otherOutcomes: VersionStory['otherOutcomes'] = [];
  for (const o of outcomes) {
    const entry = { kind: o.kind, processor: o.processor, reason: o.reason, at: o.outcomeAt };
    if (o.mailbox) { const m = story(o.mailbox); m.outcomes.push(entry); m.participantEmail ??= o.participantEmail; } else otherOutcomes.push({ ...entry, participantEmail: o.participantEmail });
  }
  for (const m of mailboxes.values()) {
    // A duplicate after an import is still imported: the copy is there once.
    const kinds = m.outcomes.map((o) => o.kind);
    m.state = kinds.includes('partial') ? 'partial' : kinds.includes('imported') ? 'imported' : kinds.at(-1) ?? (m.task?.consumed ? 'consumed, no outcome yet' : 'waiting for import');
  }
  const reached = [...STAGE_TOPICS].reverse().find((t) => rs.some((s) => s.topic === t)) ?? null;
  return {
    itemId,
    event: plan?.event ?? 'unknown',
    versionAt: plan?.versionAt ?? null,
    sources: [...new Set(rs.flatMap((s) => ('source' in s ? [s.source] : [])))],
    stages,
    reached,
    limit: limited?.limit ?? null,
    staged: staged ? { container: staged.container, blobName: staged.blobName, size: staged.size, sha256: staged.sha256, partial: staged.partial, strippedCount: staged.strippedCount, participants: staged.participants, blob: blobs.get(`${staged.container}/${staged.blobName}`) ?? null } : null,
    mailboxes: [...mailboxes.values()].sort((a, b) => a.mailbox.localeCompare(b.mailbox)),
    otherOutcomes,
    deadLetters: rs.flatMap((s) => (s.topic === 'deadLetter' ? [s.row] : [])),
  };
}
