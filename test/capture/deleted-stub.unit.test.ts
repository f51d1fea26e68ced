import { describe, expect, it } from 'vitest';
import { deletedMessageStub } from '../../src/capture/deleted-stub.js';

describe('deleted message stub (webhook notice and deletion event alike)', () => {
  const ids = { id: 'm1', roomId: 'r1', personId: 'p1', personEmail: 'a@example.com' };

  it('keeps the ids, the room type Webex knows, and the time of the notice when the data has none', () => {
    expect(deletedMessageStub({ ...ids, roomType: 'group' }, '2026-01-05T09:00:00.000Z')).toEqual({ ...ids, roomType: 'group', created: '2026-01-05T09:00:00.000Z' });
    expect(deletedMessageStub({ ...ids, created: '2026-01-04T00:00:00.000Z', roomType: 'lobby' }, 'x')).toEqual({ ...ids, roomType: undefined, created: '2026-01-04T00:00:00.000Z' });
  });

  it('is null when an id the email needs is missing or not a string', () => {
    for (const k of Object.keys(ids)) {
      expect(deletedMessageStub({ ...ids, [k]: undefined }, 'x'), k).toBeNull();
      expect(deletedMessageStub({ ...ids, [k]: 7 }, 'x'), k).toBeNull();
    }
  });
});
