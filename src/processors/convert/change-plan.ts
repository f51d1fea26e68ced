import { ArchiverError } from '../../errors.js';
import type { ConversationChange, EmailPlan, Person, RawMessage } from '../../kafka/records.js';
import { cleanHeaderText } from '../../mail/header-encoding.js';
import { changeItemId, changeMessageId } from '../../mail/message-id.js';
import { escapeHtml } from '../../mail/safe-html.js';

/**
 * A conversation change (a raw record of kind `membership`: a join, a leave, a moderator change;
 * or `room`: a rename or re-classification) → its email plan. Pure and deterministic like a
 * message version's: its own Message-ID and item id from the membership or room (message-id.ts),
 * in the room's conversation (same subject as its messages, with the change in front), From the
 * person concerned, To the others in the room at that moment.
 */
const SUBJECT_TAG: Record<ConversationChange['type'], string> = {
  joined: '[member joined]', left: '[member left]', 'moderator-added': '[moderator added]', 'moderator-removed': '[moderator removed]', 'room-updated': '[space updated]',
};
const WHEN: Record<ConversationChange['type'], string> = {
  joined: 'Joined', left: 'Left', 'moderator-added': 'Made a moderator', 'moderator-removed': 'No longer a moderator', 'room-updated': 'Updated',
};
export function toChangePlan(raw: RawMessage, roomSubject: string, roomKind: 'direct' | 'group' | 'team'): EmailPlan {
  const c = raw.change;
  if (!c || !c.id || !c.person?.email || Number.isNaN(Date.parse(c.at)) || Number.isNaN(Date.parse(c.since))) {
    throw new ArchiverError('BAD_RECORD', `${raw.kind ?? 'membership'} record lacks its change, id, person or valid times`);
  }
  const room = c.type === 'room-updated';
  const others = raw.participants.filter((p) => p.email !== c.person.email);
  const line = raw.message.text ?? '';
  const when = `${WHEN[c.type] ?? c.type} at ${c.at}.`;
  return {
    itemId: changeItemId(c.type, c.id, c.since),
    webexMessageId: c.id,
    roomId: raw.room.id,
    event: c.type,
    source: raw.source,
    versionAt: c.at,
    webexCreated: c.at,
    messageId: changeMessageId(c.type, c.id, c.since),
    inReplyTo: null,
    references: [],
    date: c.at,
    subject: `${SUBJECT_TAG[c.type] ?? `[${c.type}]`} ${roomSubject}`,
    from: toAddress(c.person),
    to: (others.length ? others : [c.person]).map(toAddress),
    headers: [
      { name: 'X-Webex-Item-Kind', value: room ? 'room' : 'membership' },
      ...(room ? [] : [{ name: 'X-Webex-Membership-Id', value: c.id }]),
      { name: 'X-Webex-Room-Id', value: raw.room.id },
      ...(raw.room.teamId ? [{ name: 'X-Webex-Team-Id', value: raw.room.teamId }] : []),
      { name: 'X-Webex-Person-Id', value: c.person.personId },
      ...(c.actor ? [{ name: 'X-Webex-Actor-Id', value: c.actor.personId }] : []),
      { name: 'X-Webex-Room-Type', value: roomKind },
      { name: 'X-Webex-Event', value: c.type },
      { name: 'X-Webex-Capture-Source', value: raw.source },
      ...(c.classificationId ? [{ name: 'X-Webex-Classification-Id', value: c.classificationId }] : []),
      ...(raw.participantsSource === 'current-membership' ? [{ name: 'X-Webex-Participants-Source', value: 'current-membership' }] : []),
      { name: 'X-Webex-Created', value: c.at },
    ],
    text: `${line}\n${when}`,
    html: `<p>${escapeHtml(line)}</p>\n<p><em>${escapeHtml(when)}</em></p>`,
    attachments: [],
    participants: raw.participants,
    limit: null,
  };
}

function toAddress(p: Person): { name: string; address: string } {
  return { name: cleanHeaderText(p.displayName), address: p.email };
}
