import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/kafka/records.js';
import { buildDailyLog } from '../../src/ops/status-log.js';
import { csvField, CSV_HEADER, statusLogCsv } from '../../src/ops/status-log-format.js';

const T = (iso: string) => Date.parse(iso);
function outcome(kind: Outcome['kind'], itemId: string, mailbox: string | null, at: string, over: Partial<Outcome> = {}): Outcome {
  return { at, kind, processor: kind === 'rejected' ? 'limit' : kind === 'unmapped' ? 'route' : 'import', itemId, webexMessageId: `m-${itemId}`, roomId: 'r1', mailbox, participantEmail: mailbox, reason: null, size: 10, webexCreated: '2026-01-05T09:00:00.000Z', ...over };
}

describe('daily status log (pure)', () => {
  const day = '2026-01-05';
  const inputs = {
    staged: [
      { itemId: 'i1', at: T('2026-01-05T09:00:01Z') },
      { itemId: 'i2', at: T('2026-01-05T09:00:02Z') },
      { itemId: 'i2', at: T('2026-01-05T10:00:00Z') }, // redelivered: still one item
      { itemId: 'i3', at: T('2026-01-05T11:00:00Z') },
      { itemId: 'i4', at: T('2026-01-05T23:59:00Z') },
    ],
    tasks: [
      { itemId: 'i1', mailbox: 'alice@example.com', at: T('2026-01-05T09:00:03Z') },
      { itemId: 'i1', mailbox: 'bob@example.com', at: T('2026-01-05T09:00:03Z') },
      { itemId: 'i2', mailbox: 'alice@example.com', at: T('2026-01-05T09:00:04Z') },
      { itemId: 'i2', mailbox: 'alice@example.com', at: T('2026-01-05T10:00:01Z') }, // same copy again
      { itemId: 'i2', mailbox: 'bob@example.com', at: T('2026-01-05T09:00:04Z') },
      { itemId: 'i3', mailbox: 'carol@example.com', at: T('2026-01-05T11:00:01Z') },
      { itemId: 'i4', mailbox: 'alice@example.com', at: T('2026-01-05T23:59:30Z') },
      { itemId: 'i6', mailbox: 'dave@example.com', at: T('2026-01-05T13:00:00Z') },
      { itemId: 'i6', mailbox: 'erin@example.com', at: T('2026-01-05T13:00:00Z') },
    ],
    outcomes: [
      outcome('imported', 'i1', 'alice@example.com', '2026-01-05T09:00:05.000Z'),
      outcome('partial', 'i1', 'bob@example.com', '2026-01-05T09:00:05.000Z'),
      outcome('imported', 'i2', 'alice@example.com', '2026-01-05T09:00:06.000Z'),
      outcome('duplicate', 'i2', 'alice@example.com', '2026-01-05T10:00:02.000Z'), // the redelivery: imported stands
      outcome('duplicate', 'i2', 'bob@example.com', '2026-01-05T09:00:06.000Z'),
      outcome('failed', 'i3', 'carol@example.com', '2026-01-05T11:00:02.000Z', { reason: 'FORBIDDEN: mailbox\nrefused' }),
      // i4's copy is not decided yet: pending.
      outcome('rejected', 'i5', null, '2026-01-05T12:00:00.000Z', { reason: 'item is 30 MB, over 10 MB' }),
      outcome('unmapped', 'i1', null, '2026-01-05T09:00:03.000Z', { participantEmail: 'ext@other.org', reason: 'external' }),
      // dave's mailbox refuses: parked twice, still waiting. erin's was parked, then dead-lettered: failed.
      outcome('parked', 'i6', 'dave@example.com', '2026-01-05T13:00:01.000Z', { reason: 'MAILBOX_UNAVAILABLE: full' }),
      outcome('parked', 'i6', 'dave@example.com', '2026-01-05T13:01:01.000Z', { reason: 'MAILBOX_UNAVAILABLE: full' }),
      outcome('parked', 'i6', 'erin@example.com', '2026-01-05T13:00:01.000Z', { reason: 'UNAVAILABLE: down' }),
      outcome('failed', 'i6', 'erin@example.com', '2026-01-05T13:05:00.000Z', { reason: 'BAD_INPUT: refused' }),
      // convert dead-lettered i7 twice (a redelivery): one item, never fanned out.
      outcome('failed', 'i7', null, '2026-01-05T14:00:00.000Z', { processor: 'convert', reason: 'BAD_RECORD: no id' }),
      outcome('failed', 'i7', null, '2026-01-05T14:00:01.000Z', { processor: 'convert', reason: 'BAD_RECORD: no id' }),
    ],
  };

  it('counts available items and fanned-out copies, and every copy has exactly one state', () => {
    const log = buildDailyLog(inputs, { fromDay: day, toDay: day, now: new Date('2026-01-06T00:00:00Z') });
    const s = log.days[0]!.summary;
    expect(s).toMatchObject({ date: day, available: 4, fannedOut: 8, imported: 2, partial: 1, skipped: 1, failed: 2, parked: 1, pending: 1, rejected: 1, unmapped: 1, failedUpstream: 1, note: null });
    expect(s.imported + s.partial + s.skipped + s.failed + s.parked + s.pending).toBe(s.fannedOut);
    expect(s.completedAt).toBe('2026-01-05T13:05:00.000Z');
    const items = log.days[0]!.items;
    expect(items.map((i) => [i.kind, i.itemId])).toEqual([['unmapped', 'i1'], ['failed', 'i3'], ['rejected', 'i5'], ['parked', 'i6'], ['parked', 'i6'], ['parked', 'i6'], ['failed', 'i6'], ['failed', 'i7'], ['failed', 'i7']]);
    expect(items.find((i) => i.kind === 'failed')).toMatchObject({ reason: 'FORBIDDEN: mailbox refused', code: 'FORBIDDEN', redrive: "webex-archiver redrive --processor import --item 'i3'" });
    expect(items.find((i) => i.kind === 'parked')).toMatchObject({ code: 'MAILBOX_UNAVAILABLE', redrive: "webex-archiver redrive --parked --item 'i6'" });
    expect(items.find((i) => i.kind === 'rejected')).toMatchObject({ code: null, redrive: null });
  });

  it('counts the available items of each kind: message versions, conversation changes, card submissions, transcripts, meeting chat and meeting transcripts', () => {
    const at = T('2026-01-05T09:00:00Z');
    const staged = ['M1:created:1', 'M1:updated:2', 'membership:MS:joined:1', 'room:R:room-updated:1', 'action:A:card-submitted:1', 'transcript:R:2026-01-04:ab',
      'meeting-message:MM1:created', 'meeting-message:MM1:deleted', 'meeting-message:MM2:created', 'meeting-transcript:T1'].map((itemId) => ({ itemId, at }));
    const s = buildDailyLog({ staged, tasks: [], outcomes: [] }, { fromDay: day, toDay: day, now: new Date() }).days[0]!.summary;
    expect(s).toMatchObject({ available: 10, availableMessages: 2, availableMemberships: 1, availableRooms: 1, availableActions: 1, availableTranscripts: 1, availableMeetingMessages: 3, availableMeetingTranscripts: 1 });
  });

  it('a failed copy that a later replay imported counts as imported', () => {
    const log = buildDailyLog({
      staged: [{ itemId: 'x', at: T('2026-01-05T09:00:00Z') }],
      tasks: [{ itemId: 'x', mailbox: 'a@example.com', at: T('2026-01-05T09:00:01Z') }],
      outcomes: [outcome('failed', 'x', 'a@example.com', '2026-01-05T09:00:02.000Z'), outcome('imported', 'x', 'a@example.com', '2026-01-05T15:00:00.000Z')],
    }, { fromDay: day, toDay: day, now: new Date() });
    expect(log.days[0]!.summary).toMatchObject({ fannedOut: 1, imported: 1, failed: 0 });
  });

  it('an outcome from before the task (an earlier day) does not decide a replayed copy', () => {
    const log = buildDailyLog({
      staged: [],
      tasks: [{ itemId: 'x', mailbox: 'a@example.com', at: T('2026-01-06T09:00:00Z') }],
      outcomes: [outcome('imported', 'x', 'a@example.com', '2026-01-05T09:00:02.000Z'), outcome('duplicate', 'x', 'a@example.com', '2026-01-06T09:00:01.000Z')],
    }, { fromDay: '2026-01-05', toDay: '2026-01-06', now: new Date() });
    expect(log.days.map((d) => d.summary.date)).toEqual(['2026-01-05', '2026-01-06']);
    expect(log.days[0]!.summary.note).toBe('No items ingested on 2026-01-05');
    expect(log.days[1]!.summary).toMatchObject({ fannedOut: 1, skipped: 1, imported: 0 });
  });

  it('an empty day says so, like the connector log', () => {
    const log = buildDailyLog({ staged: [], tasks: [], outcomes: [] }, { fromDay: day, toDay: day, now: new Date() });
    expect(log.days[0]!.summary.note).toBe('No items ingested on 2026-01-05');
    expect(log.days[0]!.summary.fannedOut).toBe(0);
  });

  it('writes CSV with a summary row per day and item rows, quoted and formula-safe', () => {
    const log = buildDailyLog(inputs, { fromDay: day, toDay: day, now: new Date() });
    const lines = statusLogCsv(log).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines).toHaveLength(1 + 1 + 9);
    const summary = lines[1]!.split(',');
    expect(summary.slice(0, 14)).toEqual(['summary', day, '2026-01-05T13:05:00.000Z', '4', '8', '2', '1', '1', '2', '1', '1', '1', '1', '1']);
    expect(lines[3]).toContain('FORBIDDEN: mailbox refused');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(7)).toBe('7');
  });
});
