import type { Conversation, RawMessage } from '../../kafka/records.js';

/** The conversation facts of a raw record, as the plan carries them (records.ts Conversation). */
export function conversationOf(raw: RawMessage, roomKind: 'direct' | 'group' | 'team', body: { bodyText: string; bodyHtml: string }): Conversation {
  const title = raw.room.title && raw.room.title !== 'Empty Title' && roomKind !== 'direct' ? raw.room.title : null;
  return { roomType: roomKind, roomTitle: title, teamId: raw.room.teamId, teamName: raw.room.teamName, parentId: raw.message.parentId, ...body };
}
