import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../src/kafka/records.js';
import { buildTrace, summarize, type At, type Committed, type Summary } from '../../src/ops/trace.js';
import { outcomeOf, staged, task } from './support.js';

const at = (topic: At['topic'], partition: number, offset: number): At => ({ topic, partition, offset: String(offset), timestamp: '1767603660000' });

// The pure core alone: where a version stands when the next processor has not committed past it,
// copies with no outcome yet, outcomes that name no mailbox, and a dead letter with no item id.
describe('buildTrace', () => {
  const item = staged('item-1', ['a@example.com', 'b@example.com']);
  const summaries = [
    summarize(at('staged', 0, 4), item),
    summarize(at('imports', 1, 9), task(item, 'a@example.com')),
    summarize(at('imports', 2, 3), task(item, 'b@example.com')),
    summarize(at('outcomes', 0, 1), outcomeOf('failed', 'item-1', 'a@example.com', { reason: 'FORBIDDEN:\nrefused', at: '2026-01-05T09:02:00.000Z' })),
    summarize(at('outcomes', 0, 2), outcomeOf('unmapped', 'item-1', null, { participantEmail: 'x@partner.test' })),
    summarize(at('deadLetter', 0, 0), { processor: 'hydrate', topic: 'webhooks', partition: 0, offset: '5', key: null, value: null, errorCode: 'BAD_INPUT', errorMessage: 'no such message', attempts: 1, at: '2026-01-05T09:03:00.000Z' } satisfies DeadLetter, { dataId: 'm-item-1' }),
    summarize(at('webhooks', 0, 0), { deliveryId: 'd1', receivedAt: '', webhookId: 'w', resource: 'memberships', event: 'created', orgId: null, actorId: null, dataId: 'm-item-1', roomId: null, body: '{}' }),
  ].filter((s): s is Summary => s !== null);
  const committed: Committed = { staged: { processor: 'route', offsets: new Map([[0, 5n]]) }, imports: { processor: 'import', offsets: new Map([[1, 10n], [2, 3n]]) } };

  it('puts each copy where it stands and keeps the reason on one line', () => {
    const r = buildTrace('m-item-1', summaries, committed, []);
    expect(r.found).toBe(true);
    expect(r.deliveries).toEqual([]); // a membership webhook is not about the message
    const [v] = r.versions;
    expect(v!.stages.map((s) => [s.topic, s.positions.map((p) => p.consumed)])).toEqual([['staged', [true]], ['imports', [true, false]]]);
    expect(v!.mailboxes.map((m) => [m.mailbox, m.state])).toEqual([['a@example.com', 'failed'], ['b@example.com', 'waiting for import']]);
    expect(v!.mailboxes[0]!.outcomes[0]!.reason).toBe('FORBIDDEN: refused');
    expect(v!.otherOutcomes).toEqual([expect.objectContaining({ kind: 'unmapped', participantEmail: 'x@partner.test' })]);
    expect(v!.reached).toBe('imports');
    expect(r.deadLetters).toEqual([expect.objectContaining({ processor: 'hydrate', webexMessageId: 'm-item-1', redrive: "webex-archiver redrive --processor hydrate --item 'm-item-1'" })]);
  });

  it('an item id finds the same story; an unknown id finds nothing', () => {
    expect(buildTrace('item-1', summaries, committed, []).versions.map((v) => v.itemId)).toEqual(['item-1']);
    expect(buildTrace('nope', summaries.filter((s) => s.itemId === 'nope'), committed, []).found).toBe(false);
  });
});
