import { Readable } from 'node:stream';
import type { BlobStore } from '../blob/store.js';
import { ArchiverError } from '../errors.js';
import type { CaptureSource, FileRef, MessageEvent, RawMessage } from '../kafka/records.js';
import type { Logger } from '../log.js';
import { isUnscannable } from '../webex/webex-error.js';
import type { ParticipantsOf } from './participants.js';
import { buildRawMessage, cardsOf, versionAtOf } from './raw-record.js';
import type { RoomCache } from './room-cache.js';
import type { WebexReader, WxMessage } from './webex-reader.js';

export interface CaptureDeps {
  reader: WebexReader;
  blob: BlobStore;
  rooms: RoomCache;
  attachmentsContainer: string;
  logger: Logger;
  now?: () => Date;
  /** The participants at an item's own time (participants.ts); without it, the current members. */
  participants?: ParticipantsOf;
  /** Which conversation changes and meeting items become items (WXA_CAPTURE_MEMBERSHIPS, _ROOMS, _ATTACHMENT_ACTIONS, _MEETING_MESSAGES, _MEETING_TRANSCRIPTS); all by default. */
  captureChanges?: CaptureChanges;
}

export interface CaptureChanges { memberships: boolean; rooms: boolean; attachmentActions?: boolean; meetingMessages?: boolean; meetingTranscripts?: boolean }

export function captureChangesOf(config: { captureMemberships: boolean; captureRooms: boolean; captureAttachmentActions: boolean; captureMeetingMessages: boolean; captureMeetingTranscripts: boolean }): CaptureChanges {
  return {
    memberships: config.captureMemberships, rooms: config.captureRooms, attachmentActions: config.captureAttachmentActions,
    meetingMessages: config.captureMeetingMessages, meetingTranscripts: config.captureMeetingTranscripts,
  };
}

/**
 * Captures one message version: fetches what the raw record needs (the message unless given,
 * its room, team and members through the cache) and claim-checks its files into blob storage
 * under their SHA-256, so no later stage or replay ever needs Webex again.
 */
export async function captureMessage(
  deps: CaptureDeps,
  req: { messageId: string; event: MessageEvent; source: CaptureSource; message?: WxMessage; deletedAt?: string; retryNotFound?: number },
): Promise<RawMessage> {
  const message = req.message ?? (await deps.reader.getMessage(req.messageId, { retryNotFound: req.retryNotFound }));
  // A GET returns the message as it is now. If it was edited before we fetched it, what we hold
  // is the edit, not the original: archive it as that edit's version, never as the original.
  // The crawler's event snapshots supply the original text under the created version's id.
  const event: MessageEvent = req.event === 'created' && !req.message && message.updated ? 'updated' : req.event;
  const { room, team, memberships: current } = await deps.rooms.get(message.roomId);
  const at = versionAtOf(event, message, req.deletedAt);
  const { members: memberships, source: participantsSource } = deps.participants ? await deps.participants(message.roomId, at, current) : { members: current, source: null };
  const member = [...memberships, ...current].find((m) => m.personId === message.personId || m.personEmail.toLowerCase() === message.personEmail.toLowerCase());
  const senderName = member?.personDisplayName ?? (await deps.rooms.person(message.personId))?.displayName ?? message.personEmail;
  // A message's files download at once; the Webex client's in-flight limit (src/webex/limiter.ts) bounds them.
  const files: FileRef[] = await Promise.all((message.files ?? []).map((url) => captureFile(deps, url)));
  // The card JSON itself is kept with the item, as an attachment, like any file.
  for (const [i, card] of cardsOf(message).entries()) files.push(await captureCard(deps, message.id, i, card));
  return buildRawMessage({
    source: req.source,
    event,
    deletedAt: req.deletedAt,
    capturedAt: (deps.now ?? (() => new Date()))(),
    message,
    room,
    team,
    memberships,
    participantsSource,
    sender: { personId: message.personId, email: message.personEmail, displayName: senderName },
    files,
  });
}

async function captureCard(deps: CaptureDeps, messageId: string, index: number, json: string): Promise<FileRef> {
  const stored = await deps.blob.putContentAddressed(deps.attachmentsContainer, Readable.from([Buffer.from(json, 'utf8')]), { contentType: 'application/json' });
  return {
    contentId: `card-${index}`, url: `card:${messageId}/${index}`, name: `adaptive-card-${index + 1}.json`, contentType: 'application/json',
    size: stored.size, sha256: stored.sha256, blobName: stored.blobName, container: deps.attachmentsContainer, status: 'stored',
  };
}

async function captureFile(deps: CaptureDeps, url: string): Promise<FileRef> {
  const contentId = url.slice(url.lastIndexOf('/') + 1);
  const base = { contentId, url, container: deps.attachmentsContainer };
  try {
    const file = await deps.reader.openFile(url);
    const stored = await deps.blob.putContentAddressed(deps.attachmentsContainer, file.body, { contentType: file.contentType, metadata: { contentid: contentId } });
    return { ...base, name: file.name, contentType: file.contentType, size: stored.size, sha256: stored.sha256, blobName: stored.blobName, status: 'stored' };
  } catch (err) {
    // Permanent file states are recorded on the item (the email says so), not retried forever;
    // each is told by the status code Webex answered (410, 404, 428), never by its text.
    if (err instanceof ArchiverError && !err.retriable) {
      const status = isUnscannable(err) ? 'unscannable' : err.code === 'GONE' ? 'infected' : err.code === 'NOT_FOUND' ? 'missing' : null;
      if (status) {
        deps.logger.warn({ contentId, status, code: err.code }, 'file not captured; recorded on the item');
        const name = (status === 'unscannable' ? await deps.reader.fileName?.(url).catch(() => undefined) : undefined) ?? contentId;
        return { ...base, name, contentType: 'application/octet-stream', size: 0, sha256: '', blobName: '', status };
      }
    }
    throw err;
  }
}
