import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../src/blob/store.js';
import { createRoomCache } from '../../../src/capture/room-cache.js';
import type { WebexReader, WxMessage } from '../../../src/capture/webex-reader.js';
import { ArchiverError } from '../../../src/errors.js';
import type { RawMessage, WebhookDelivery } from '../../../src/kafka/records.js';
import { createLogger } from '../../../src/log.js';
import { hydrateDelivery } from '../../../src/processors/hydrate/transform.js';

/** hydrate's core with Webex as an in-memory reader port: what a delivery becomes, without a server. */
const message: WxMessage = { id: 'm1', roomId: 'r1', roomType: 'group', personId: 'p1', personEmail: 'alice@example.com', text: 'hello', created: '2026-01-05T09:00:00.000Z' };

function ports(messages: Map<string, WxMessage>) {
  let memberReads = 0;
  const reader: WebexReader = {
    getMessage: async (id) => { const m = messages.get(id); if (!m) throw new ArchiverError('NOT_FOUND', `message ${id}`); return m; },
    getRoom: async (id) => ({ id, title: 'Deal room', type: 'group', created: '2026-01-01T00:00:00.000Z' }),
    getTeam: async (id) => ({ id, name: 'Team' }),
    listMemberships: async () => { memberReads++; return [{ personId: 'p1', personEmail: 'alice@example.com', personDisplayName: 'Alice' }, { personId: 'p2', personEmail: 'bob@example.com', personDisplayName: 'Bob' }]; },
    getPerson: async (id) => ({ id, displayName: id }),
    openFile: async () => { throw new Error('no file in these messages'); },
  };
  // No message here has files, so the blob port is never called.
  const blob = {} as BlobStore;
  const deps = { reader, blob, rooms: createRoomCache(reader), attachmentsContainer: 'att', logger: createLogger({ level: 'silent' }), now: () => new Date('2026-01-05T09:00:05.000Z') };
  return { deps, memberReads: () => memberReads };
}

const delivery = (over: Partial<WebhookDelivery>): WebhookDelivery => ({
  deliveryId: 'd1', receivedAt: '2026-01-05T09:00:01.000Z', webhookId: 'w1', resource: 'messages', event: 'created',
  orgId: 'o1', actorId: 'p1', dataId: 'm1', roomId: 'r1', body: JSON.stringify({ data: { id: 'm1', roomId: 'r1', personId: 'p1', personEmail: 'alice@example.com' } }), ...over,
});

describe('hydrate core', () => {
  it('a message delivery becomes one raw record with the room and its members as participants', async () => {
    const { deps } = ports(new Map([['m1', message]]));
    const [out] = await hydrateDelivery(delivery({}), deps);
    expect(out).toMatchObject({ topic: 'raw', key: 'r1' });
    expect(out!.value).toMatchObject({ source: 'webhook', event: 'created', message: { id: 'm1', text: 'hello' }, room: { title: 'Deal room' } });
    expect((out!.value as RawMessage).participants.map((p) => p.email)).toEqual(['alice@example.com', 'bob@example.com']);
  });

  it('a deletion whose message is gone is archived from the notice (ids, no text)', async () => {
    const { deps } = ports(new Map());
    const [out] = await hydrateDelivery(delivery({ event: 'deleted' }), deps);
    expect(out!.value).toMatchObject({ event: 'deleted', versionAt: '2026-01-05T09:00:01.000Z', message: { id: 'm1', text: null } });
  });

  it('a deletion notice without the ids fails the item (dead letter), it is not dropped', async () => {
    const { deps } = ports(new Map());
    await expect(hydrateDelivery(delivery({ event: 'deleted', body: JSON.stringify({ data: { id: 'm1' } }) }), deps)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a membership delivery produces nothing but makes the next message read the members again', async () => {
    const { deps, memberReads } = ports(new Map([['m1', message]]));
    await hydrateDelivery(delivery({}), deps);
    expect(await hydrateDelivery(delivery({ resource: 'memberships', event: 'created' }), deps)).toEqual([]);
    await hydrateDelivery(delivery({}), deps);
    expect(memberReads()).toBe(2);
  });

  it('a message delivery without data.id is a bad record', async () => {
    const { deps } = ports(new Map());
    await expect(hydrateDelivery(delivery({ dataId: null }), deps)).rejects.toMatchObject({ code: 'BAD_RECORD' });
  });
});
