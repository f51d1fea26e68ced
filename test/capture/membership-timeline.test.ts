import { describe, expect, it } from 'vitest';
import { MembershipTimeline } from '../../src/capture/membership-timeline.js';
import type { MembershipChange } from '../../src/kafka/records.js';
import type { WxMembership } from '../../src/capture/webex-reader.js';

const change = (personId: string, kind: MembershipChange['change'], at: string, source: MembershipChange['source'] = 'crawler'): MembershipChange => ({
  roomId: 'r1', personId, personEmail: `${personId}@example.com`, personDisplayName: personId, membershipId: `m-${personId}`,
  change: kind, at, source, observedAt: '2026-02-01T00:00:00.000Z',
});
const member = (personId: string, created?: string): WxMembership => ({ personId, personEmail: `${personId}@example.com`, personDisplayName: personId, created });
const ids = (t: MembershipTimeline, at: string, current: WxMembership[]) => t.participantsAt('r1', at, current).members.map((m) => m.personId).sort();

describe('membership timeline', () => {
  const day = (h: number) => `2026-01-05T${String(h).padStart(2, '0')}:00:00.000Z`;

  it('a member who joined for a day and left is a participant only while there', () => {
    const t = new MembershipTimeline();
    t.add(change('dana', 'joined', day(9)));
    t.add(change('dana', 'left', day(17)));
    const current = [member('alice', '2026-01-01T00:00:00.000Z')];
    expect(ids(t, day(8), current)).toEqual(['alice']);
    expect(ids(t, day(9), current)).toEqual(['alice', 'dana']);
    expect(ids(t, day(12), current)).toEqual(['alice', 'dana']);
    // A message at the instant of a leave is before it (Webex orders it so).
    expect(ids(t, day(17), current)).toEqual(['alice', 'dana']);
    expect(ids(t, day(18), current)).toEqual(['alice']);
  });

  it('before a first known leave the person was a member; before a first known join they were not', () => {
    const t = new MembershipTimeline();
    t.add(change('old', 'left', day(10)));
    t.add(change('new', 'joined', day(10)));
    const current = [member('new', day(10))];
    expect(ids(t, day(9), current)).toEqual(['old']);
    expect(ids(t, day(11), current)).toEqual(['new']);
  });

  it('current members the timeline never saw count from their membership created time', () => {
    const t = new MembershipTimeline();
    expect(ids(t, day(9), [member('a', day(10)), member('b'), member('c', day(8))])).toEqual(['b', 'c']);
  });

  it('the same change from two paths is one, a repeat at another time changes nothing', () => {
    const t = new MembershipTimeline();
    expect(t.add(change('dana', 'joined', day(9), 'webhook'))).toBe(true);
    expect(t.add(change('dana', 'joined', day(9), 'crawler'))).toBe(false);
    t.add(change('dana', 'left', day(17), 'crawler'));
    t.add(change('dana', 'left', day(18), 'webhook'));
    expect(ids(t, day(17), [])).toEqual(['dana']);
    expect(ids(t, day(17) .replace('00:00.000', '30:00.000'), [])).toEqual([]);
    expect(t.changesOf('r1', 'dana')).toHaveLength(3);
  });

  it('a join with no leave for someone who is not a member now is unresolved, and counts as there meanwhile', () => {
    const t = new MembershipTimeline();
    t.add(change('dana', 'joined', day(9)));
    const r = t.participantsAt('r1', day(12), []);
    expect(r.members.map((m) => m.personId)).toEqual(['dana']);
    expect(r.unresolved.map((c) => c.personId)).toEqual(['dana']);
    expect(t.participantsAt('r1', day(12), [member('dana', day(9))]).unresolved).toEqual([]);
  });

  it('says it used the current membership before its coverage, and the timeline after', () => {
    const t = new MembershipTimeline();
    expect(t.participantsAt('r1', day(12), []).source).toBe('current-membership');
    t.coverFrom(day(10));
    t.coverFrom(day(11));
    expect(t.coverageFrom).toBe(day(10));
    expect(t.participantsAt('r1', day(9), []).source).toBe('current-membership');
    expect(t.participantsAt('r1', day(10), []).source).toBe('timeline');
  });
});

describe('membership timeline: leaves dated by their webhook', () => {
  const day = (h: number) => `2026-01-05T${String(h).padStart(2, '0')}:00:00.000Z`;
  it('a leave known only by a webhook long after the item is in doubt until looked up', () => {
    const t = new MembershipTimeline();
    t.add(change('dana', 'joined', day(9), 'webhook'));
    t.add(change('dana', 'left', day(23), 'webhook'));
    expect(t.participantsAt('r1', day(18), []).unresolved.map((c) => `${c.personId} ${c.change} ${c.at}`)).toEqual([`dana joined ${day(9)}`]);
    // Within the hour, or dated by its compliance event (crawler), it is taken as it is.
    expect(t.participantsAt('r1', day(22).replace('00:00', '30:00'), []).unresolved).toEqual([]);
    t.add(change('dana', 'left', day(17), 'crawler'));
    expect(t.participantsAt('r1', day(18), []).unresolved).toEqual([]);
    expect(t.participantsAt('r1', day(18), []).members).toEqual([]);
  });
});
