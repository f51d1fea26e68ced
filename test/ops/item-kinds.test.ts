import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/kafka/records.js';
import { changeItemId, itemIdOf, meetingMessageItemId, meetingTranscriptItemId, transcriptItemId } from '../../src/mail/message-id.js';
import { countImportedByKind, itemKindOf } from '../../src/ops/outcome-rows.js';

const at = '2026-01-06T10:00:00.000Z';
const outcome = (itemId: string, kind: Outcome['kind'], processor = 'import'): Outcome => ({
  at, kind, processor, itemId, webexMessageId: 'x', roomId: 'r', mailbox: 'm@example.com', participantEmail: null, reason: null, size: null, webexCreated: null,
});

describe('items by kind', () => {
  it('tells every kind of item id apart, a Webex message id included', () => {
    expect(itemKindOf(itemIdOf('Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMQ', 'updated', at))).toBe('message');
    expect(itemKindOf(changeItemId('left', 'Y2lzY29zcGFyazovL3VzL01FTUJFUlNISVAvMQ', at))).toBe('membership');
    expect(itemKindOf(changeItemId('moderator-added', 'M', at))).toBe('membership');
    expect(itemKindOf(changeItemId('room-updated', 'R', at))).toBe('room');
    expect(itemKindOf(transcriptItemId('R', '2026-01-06', 'abc'))).toBe('transcript');
    expect(itemKindOf(meetingMessageItemId('MM', 'created'))).toBe('meeting-message');
    expect(itemKindOf(meetingMessageItemId('MM', 'deleted'))).toBe('meeting-message');
    expect(itemKindOf(meetingTranscriptItemId('6a7f-T'))).toBe('meeting-transcript');
  });

  it('counts imported and partial copies at import, per kind, inside the day only', () => {
    const outcomes = [
      outcome(itemIdOf('M1', 'created', at), 'imported'),
      outcome(itemIdOf('M2', 'created', at), 'partial'),
      outcome(itemIdOf('M3', 'created', at), 'duplicate'),
      outcome(changeItemId('joined', 'MS', at), 'imported'),
      outcome(changeItemId('room-updated', 'R', at), 'imported'),
      outcome(changeItemId('room-updated', 'R', at), 'rejected', 'limit'),
      outcome(meetingMessageItemId('MM1', 'created'), 'imported'),
      outcome(meetingMessageItemId('MM1', 'deleted'), 'imported'),
      outcome(meetingTranscriptItemId('T1'), 'partial'),
      { ...outcome(itemIdOf('M4', 'created', at), 'imported'), at: '2026-01-07T00:00:00.000Z' },
    ];
    expect(countImportedByKind(outcomes, Date.parse('2026-01-06T00:00:00.000Z'), Date.parse('2026-01-07T00:00:00.000Z'))).toEqual({ message: 2, membership: 1, room: 1, action: 0, transcript: 0, 'meeting-message': 2, 'meeting-transcript': 1 });
  });
});
