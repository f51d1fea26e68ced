import type { EmailPlan, RawMessage } from '../../src/kafka/records.js';

/** Small valid records for tests that exercise the plumbing rather than the content. */
export function samplePlan(over: Partial<EmailPlan> = {}): EmailPlan {
  const id = over.webexMessageId ?? 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbTE';
  return {
    itemId: `${id}:created:1767603660000`,
    webexMessageId: id,
    roomId: 'Y2lzY29zcGFyazovL3VzL1JPT00vcjE',
    event: 'created',
    source: 'test',
    versionAt: '2026-01-05T09:01:00.000Z',
    webexCreated: '2026-01-05T09:01:00.000Z',
    messageId: `<msg-${id.slice(-8)}@webex-archiver.invalid>`,
    inReplyTo: null,
    references: [],
    date: '2026-01-05T09:01:00.000Z',
    subject: 'Webex: Rates chat',
    from: { name: 'Alice Ng', address: 'alice@example.com' },
    to: [{ name: 'Bob Li', address: 'bob@example.com' }],
    headers: [{ name: 'X-Webex-Message-Id', value: id }],
    text: 'hello',
    html: '<p>hello</p>',
    attachments: [],
    participants: [
      { personId: 'p-alice', email: 'alice@example.com', displayName: 'Alice Ng' },
      { personId: 'p-bob', email: 'bob@example.com', displayName: 'Bob Li' },
    ],
    limit: null,
    conversation: { roomType: 'group', roomTitle: 'Rates chat', teamId: null, teamName: null, parentId: null, bodyText: 'hello', bodyHtml: '<p>hello</p>' },
    ...over,
  };
}

export function sampleRaw(over: Partial<RawMessage> = {}): RawMessage {
  const alice = { personId: 'p-alice', email: 'alice@example.com', displayName: 'Alice Ng' };
  const bob = { personId: 'p-bob', email: 'bob@example.com', displayName: 'Bob Li' };
  return {
    source: 'test',
    event: 'created',
    versionAt: '2026-01-05T09:01:00.000Z',
    capturedAt: '2026-01-05T09:01:01.000Z',
    message: {
      id: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvbTE', roomId: 'Y2lzY29zcGFyazovL3VzL1JPT00vcjE', roomType: 'group', parentId: null,
      personId: 'p-alice', personEmail: 'alice@example.com', text: 'hello', markdown: null, html: '<p>hello</p>',
      created: '2026-01-05T09:01:00.000Z', updated: null, mentionedPeople: [], isVoiceClip: false,
    },
    files: [],
    room: { id: 'Y2lzY29zcGFyazovL3VzL1JPT00vcjE', title: 'Rates chat', type: 'group', teamId: null, teamName: null, created: '2026-01-05T09:00:00.000Z' },
    sender: alice,
    participants: [alice, bob],
    ...over,
  };
}
