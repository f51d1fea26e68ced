import { describe, expect, it } from 'vitest';
import { dedupePlan, type SeenSet } from '../../../src/processors/dedupe/transform.js';
import { samplePlan } from '../../support/samples.js';

const memorySeen = (): SeenSet & { ids: Set<string> } => {
  const ids = new Set<string>();
  return { ids, has: (id) => ids.has(id), add: (id) => { ids.add(id); } };
};

describe('dedupe core', () => {
  const meta = { topic: 't.webex.converted.v1', partition: 2, offset: '17' };
  const now = new Date('2026-01-05T09:00:00.000Z');

  it('passes a new item on with its changelog entry, and drops the same item version after', () => {
    const seen = memorySeen();
    const plan = samplePlan();
    const first = dedupePlan(plan, seen, meta, now);
    expect(first.map((o) => o.topic)).toEqual(['unique', 'dedupeState']);
    expect(first[1]).toMatchObject({ key: plan.itemId, value: { itemId: plan.itemId, firstSeenAt: '2026-01-05T09:00:00.000Z', sourceTopic: meta.topic, sourcePartition: 2, sourceOffset: '17' } });
    expect(seen.ids.has(plan.itemId)).toBe(true);
    expect(dedupePlan(plan, seen, meta, now)).toEqual([]);
  });

  it('another version of the same message (an edit) is another item and passes', () => {
    const seen = memorySeen();
    dedupePlan(samplePlan({ itemId: 'msg-1:created' }), seen, meta, now);
    expect(dedupePlan(samplePlan({ itemId: 'msg-1:updated:2026-01-05T09:01:00.000Z' }), seen, meta, now)).toHaveLength(2);
  });
});
