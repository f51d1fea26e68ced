import { ArchiverError } from '../../errors.js';
import type { ConversationChange, EmailPlan, Person, RawMessage } from '../../kafka/records.js';
import { cleanHeaderText } from '../../mail/header-encoding.js';
import { changeItemId, changeMessageId, originalMessageId } from '../../mail/message-id.js';
import { escapeHtml } from '../../mail/safe-html.js';
import { conversationOf } from './conversation.js';

/**
 * A conversation change (a raw record of kind `membership`: a join, a leave, a moderator change;
 * or `room`: a rename or re-classification) → its email plan. Pure and deterministic like a
 * message version's: its own Message-ID and item id from the membership or room (message-id.ts),
 * in the room's conversation (same subject as its messages, with the change in front), From the
 * person concerned, To the others in the room at that moment.
 */
const SUBJECT_TAG: Record<ConversationChange['type'], string> = {
  joined: '[member joined]', left: '[member left]', 'moderator-added': '[moderator added]', 'moderator-removed': '[moderator removed]', 'room-updated': '[space updated]', 'card-submitted': '[card submitted]',
};
const WHEN: Record<ConversationChange['type'], string> = {
  joined: 'Joined', left: 'Left', 'moderator-added': 'Made a moderator', 'moderator-removed': 'No longer a moderator', 'room-updated': 'Updated', 'card-submitted': 'Submitted',
};
export function toChangePlan(raw: RawMessage, roomSubject: string, roomKind: 'direct' | 'group' | 'team'): EmailPlan {
  const c = raw.change;
  if (!c || !c.id || !c.person?.email || Number.isNaN(Date.parse(c.at)) || Number.isNaN(Date.parse(c.since))) {
    throw new ArchiverError('BAD_RECORD', `${raw.kind ?? 'membership'} record lacks its change, id, person or valid times`);
  }
  const room = c.type === 'room-updated';
  // A submission is a reply to its card's message, so it threads under it.
  const card = c.type === 'card-submitted' && c.parentId ? originalMessageId(c.parentId) : null;
  const inputs = c.type === 'card-submitted' ? inputLines(c.inputs ?? null) : [];
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
    inReplyTo: card,
    references: card ? [card] : [],
    date: c.at,
    subject: `${SUBJECT_TAG[c.type] ?? `[${c.type}]`} ${roomSubject}`,
    from: toAddress(c.person),
    to: (others.length ? others : [c.person]).map(toAddress),
    headers: [
      { name: 'X-Webex-Item-Kind', value: room ? 'room' : card ? 'action' : 'membership' },
      ...(room ? [] : card ? [{ name: 'X-Webex-Action-Id', value: c.id }, { name: 'X-Webex-Parent-Id', value: c.parentId! }] : [{ name: 'X-Webex-Membership-Id', value: c.id }]),
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
    text: [line, ...inputs, when].join('\n'),
    html: [`<p>${escapeHtml(line)}</p>`, ...(inputs.length ? [`<table>\n${inputs.map((l) => { const i = l.indexOf(': '); return `<tr><th>${escapeHtml(l.slice(0, i))}</th><td>${escapeHtml(l.slice(i + 2))}</td></tr>`; }).join('\n')}\n</table>`] : []), `<p><em>${escapeHtml(when)}</em></p>`].join('\n'),
    attachments: [],
    participants: raw.participants,
    limit: null,
    conversation: conversationOf(raw, roomKind, { bodyText: line, bodyHtml: `<p>${escapeHtml(line)}</p>` }),
  };
}

/** What a submission's inputs held, one `id: value` line each (values that are not text as JSON). */
function inputLines(json: string | null): string[] {
  let inputs: unknown;
  try { inputs = JSON.parse(json ?? '{}'); } catch { return ['inputs: (could not be read)']; }
  if (!inputs || typeof inputs !== 'object') return [];
  return Object.entries(inputs as Record<string, unknown>).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

function toAddress(p: Person): { name: string; address: string } {
  return { name: cleanHeaderText(p.displayName), address: p.email };
}
