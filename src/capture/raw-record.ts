import type { FileRef, MessageEvent, ParticipantsSource, Person, RawMessage, CaptureSource } from '../kafka/records.js';
import type { WxMembership, WxMessage, WxRoom, WxTeam } from './webex-reader.js';

/**
 * The one function that builds raw records, for webhooks (hydrate) and the crawler alike, so
 * both paths produce identical records for the same message version and dedupe can drop repeats.
 * Pure: everything it needs was fetched before.
 */
export interface RawInputs {
  source: CaptureSource;
  event: MessageEvent;
  /** For deletions: when it happened (event time). Created/updated versions use the message's own times. */
  deletedAt?: string;
  capturedAt: Date;
  message: WxMessage;
  room: WxRoom;
  team: WxTeam | null;
  /** The room's members at versionAt (see membership-timeline.ts). */
  memberships: WxMembership[];
  /** Where `memberships` came from; null when no timeline was consulted. */
  participantsSource?: ParticipantsSource | null;
  sender: Person;
  files: FileRef[];
}

/** The Adaptive Cards of a message, each as its JSON text (webex-api.md: message `attachments`). */
export function cardsOf(m: Pick<WxMessage, 'attachments'>): string[] {
  return (m.attachments ?? []).filter((a) => a.contentType === ADAPTIVE_CARD && a.content && typeof a.content === 'object').map((a) => JSON.stringify(a.content));
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** When a version came to be: created, the edit, or the deletion (event time). */
export function versionAtOf(event: MessageEvent, m: Pick<WxMessage, 'created' | 'updated'>, deletedAt?: string): string {
  return event === 'created' ? m.created : event === 'updated' ? (m.updated ?? m.created) : (deletedAt ?? m.updated ?? m.created);
}

export function buildRawMessage(i: RawInputs): RawMessage {
  const m = i.message;
  const versionAt = versionAtOf(i.event, m, i.deletedAt);
  const participants = new Map<string, Person>();
  for (const ms of i.memberships) {
    participants.set(ms.personEmail.toLowerCase(), { personId: ms.personId, email: ms.personEmail.toLowerCase(), displayName: ms.personDisplayName ?? ms.personEmail });
  }
  // The sender always gets a copy, even after leaving the space.
  participants.set(i.sender.email.toLowerCase(), { ...i.sender, email: i.sender.email.toLowerCase() });
  return {
    source: i.source,
    event: i.event,
    versionAt,
    capturedAt: i.capturedAt.toISOString(),
    message: {
      id: m.id,
      roomId: m.roomId,
      roomType: m.roomType ?? i.room.type,
      parentId: m.parentId ?? null,
      personId: m.personId,
      personEmail: m.personEmail,
      text: m.text ?? null,
      markdown: m.markdown ?? null,
      html: m.html ?? null,
      created: m.created,
      updated: m.updated ?? null,
      mentionedPeople: m.mentionedPeople ?? [],
      isVoiceClip: m.isVoiceClip ?? false,
      cards: cardsOf(m),
    },
    files: i.files,
    room: {
      id: i.room.id,
      // A compliance officer may read a 1:1 room's title as "Empty Title"; convert names the other person instead.
      title: i.room.title ?? '',
      type: i.room.type,
      teamId: i.room.teamId ?? null,
      teamName: i.team?.name ?? null,
      created: i.room.created,
    },
    sender: { ...i.sender, email: i.sender.email.toLowerCase() },
    participants: [...participants.values()].sort((a, b) => a.email.localeCompare(b.email)),
    participantsSource: i.participantsSource ?? null,
  };
}
