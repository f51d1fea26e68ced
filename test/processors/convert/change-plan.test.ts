import { describe, expect, it } from 'vitest';
import { toEmailPlans } from '../../../src/processors/convert/transform.js';
import type { RawMessage } from '../../../src/kafka/records.js';
import { describeChange } from '../../../src/capture/membership-item.js';

const dana = { personId: 'P-dana', email: 'dana@example.com', displayName: 'Dana Roy' };
const alice = { personId: 'P-alice', email: 'alice@example.com', displayName: 'Alice Ng' };

function leave(source: RawMessage['source'], at: string): RawMessage {
  return {
    source, event: 'deleted', versionAt: at, capturedAt: '2026-01-06T18:00:00.000Z', kind: 'membership',
    message: { id: 'M-1', roomId: 'R-1', roomType: 'group', parentId: null, personId: dana.personId, personEmail: dana.email, text: describeChange({ type: 'left', person: dana, actor: alice }), markdown: null, html: null, created: at, updated: null, mentionedPeople: [], isVoiceClip: false },
    files: [],
    room: { id: 'R-1', title: 'Project Falcon', type: 'group', teamId: null, teamName: null, created: '2026-01-01T00:00:00.000Z' },
    sender: dana,
    participants: [alice, dana],
    participantsSource: 'timeline',
    change: { type: 'left', id: 'M-1', since: '2026-01-06T09:00:00.000Z', at, person: dana, actor: alice },
  };
}

describe('a leave as an email plan', () => {
  it('has the same item id and Message-ID from the webhook and the crawl, whatever time each saw', () => {
    const [w] = toEmailPlans(leave('webhook', '2026-01-06T17:00:02.000Z'), { orgDomains: ['example.com'] });
    const [c] = toEmailPlans(leave('crawler', '2026-01-06T17:00:00.000Z'), { orgDomains: ['example.com'] });
    expect([w!.itemId, w!.messageId]).toEqual([c!.itemId, c!.messageId]);
    expect(w!.itemId).toBe(`membership:M-1:left:${Date.parse('2026-01-06T09:00:00.000Z')}`);
    expect(w!.messageId).toMatch(/^<wx-m-[0-9a-f]{32}-l\d+@webex-archiver\.invalid>$/);
  });

  it('is from the person, to the others there, says who removed them, and carries the ids', () => {
    const [p] = toEmailPlans(leave('crawler', '2026-01-06T17:00:00.000Z'), { orgDomains: ['example.com'] });
    expect(p!.subject).toBe('[member left] Webex: Project Falcon');
    expect(p!.from.address).toBe('dana@example.com');
    expect(p!.to.map((a) => a.address)).toEqual(['alice@example.com']);
    expect(p!.text).toBe('Dana Roy <dana@example.com> left the space (removed by Alice Ng <alice@example.com>).\nLeft at 2026-01-06T17:00:00.000Z.');
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Item-Kind', value: 'membership' });
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Actor-Id', value: 'P-alice' });
    expect(p!.headers).toContainEqual({ name: 'X-Webex-Event', value: 'left' });
    expect(p!.participants.map((x) => x.email)).toEqual(['alice@example.com', 'dana@example.com']);
  });

  it('a membership record without its change is a bad record, not a message', () => {
    expect(() => toEmailPlans({ ...leave('crawler', '2026-01-06T17:00:00.000Z'), change: null }, { orgDomains: [] })).toThrow(/membership record lacks/);
  });
});
