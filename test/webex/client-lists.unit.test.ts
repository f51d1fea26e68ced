import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { createWebexClient, type WebexClient } from '../../src/webex/client.js';
import type { Message } from '../../src/webex/types.js';
import { BIG_ROOM_MESSAGES, clientFixture } from './sim-support.js';

// Lists and typed calls against the Webex simulator: Link pagination to the end, empty pages and
// max=null next links (docs/webex-api.md §2), and the resource shapes.

let sim: WebexSimulator;
let client: WebexClient;
beforeAll(async () => {
  sim = await startWebexSimulator({ fixture: clientFixture() });
  client = createWebexClient({ baseUrl: sim.baseUrl, token: 'test-token', log: createLogger({ level: 'silent' }) });
});
afterEach(() => {
  sim.faults.clear();
  sim.resetStats();
});
afterAll(() => sim.close());

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('messages.list', () => {
  it('pages through every message of a room via Link headers, newest first', async () => {
    const list = client.messages.list({ roomId: sim.ids.room('big'), max: 50 });
    const pages: number[] = [];
    const got: Message[] = [];
    for await (const page of list.pages()) {
      pages.push(page.items.length);
      got.push(...page.items);
    }
    expect(pages).toEqual([50, 50, 50, 50, 37]);
    expect(got).toHaveLength(BIG_ROOM_MESSAGES);
    expect(new Set(got.map((m) => m.id)).size).toBe(BIG_ROOM_MESSAGES);
    const created = got.map((m) => m.created);
    expect([...created].sort().reverse()).toEqual(created);
    expect(got[0]!.text).toBe(`message ${BIG_ROOM_MESSAGES - 1}`);
    const want = sim.expected().filter((v) => v.roomKey === 'big' && v.kind === 'created').map((v) => v.messageId).sort();
    expect(got.map((m) => m.id).sort()).toEqual(want);
    expect(sim.stats.byRoute['GET /v1/messages']).toBe(5);
  });

  it('keeps paging through empty pages and repairs max=null next links', async () => {
    sim.faults.set({ emptyPages: true, maxNull: true });
    const got = await all(client.messages.list({ roomId: sim.ids.room('big'), max: 100 }));
    expect(got).toHaveLength(BIG_ROOM_MESSAGES);
    const rooms = await all(client.rooms.list({ max: 1 }));
    expect(rooms.map((r) => r.id).sort()).toEqual([sim.ids.room('big'), sim.ids.room('dm')].sort());
  });

  it('honours before and beforeMessage, and stops fetching when the consumer stops', async () => {
    const newest = await all(client.messages.list({ roomId: sim.ids.room('big'), max: 10 }).pages()).then((p) => p);
    expect(newest.length).toBe(Math.ceil(BIG_ROOM_MESSAGES / 10));
    sim.resetStats();
    const older = await all(client.messages.list({ roomId: sim.ids.room('big'), beforeMessage: sim.ids.message('b10'), max: 100 }));
    expect(older.map((m) => m.text)).toEqual(Array.from({ length: 10 }, (_, i) => `message ${9 - i}`));
    const before = await all(client.messages.list({ roomId: sim.ids.room('big'), before: '2026-01-05T09:13:00.000Z' }));
    expect(before.map((m) => m.text)).toEqual(['message 2', 'message 1', 'message 0']);
    sim.resetStats();
    for await (const m of client.messages.list({ roomId: sim.ids.room('big'), max: 5 })) if (m.text === 'message 234') break;
    expect(sim.stats.byRoute['GET /v1/messages']).toBe(1);
  });
});

describe('typed calls', () => {
  it('people, rooms, teams, memberships (also by personEmail, whose first page is empty)', async () => {
    const me = await client.people.me();
    expect(me.id).toBe(sim.meId);
    const alice = await client.people.get(sim.ids.person('alice'));
    expect(alice).toMatchObject({ emails: ['alice@example.com'], displayName: 'Alice Ng' });
    expect((await all(client.people.list({ email: 'bob@example.com' }))).map((p) => p.id)).toEqual([sim.ids.person('bob')]);

    const room = await client.rooms.get(sim.ids.room('big'));
    expect(room).toMatchObject({ type: 'group', title: 'Rates chat', teamId: sim.ids.team('desk') });
    expect((await all(client.rooms.list({ type: 'direct' }))).map((r) => r.id)).toEqual([sim.ids.room('dm')]);
    expect(await client.teams.get(sim.ids.team('desk'))).toMatchObject({ name: 'Rates Desk' });
    expect((await all(client.teams.list())).map((t) => t.id)).toEqual([sim.ids.team('desk')]);

    const members = await all(client.memberships.list({ roomId: sim.ids.room('big') }));
    expect(members.map((m) => m.personEmail).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    const pages = await all(client.memberships.list({ personEmail: 'alice@example.com' }).pages());
    expect(pages[0]!.items).toEqual([]);
    expect(pages.flatMap((p) => p.items).map((m) => m.roomId).sort()).toEqual([sim.ids.room('big'), sim.ids.room('dm')].sort());
  });

  it('messages.get and events.list', async () => {
    const m = await client.messages.get(sim.ids.message('pdf'));
    expect(m).toMatchObject({ roomId: sim.ids.room('dm'), roomType: 'direct', text: 'the pdf' });
    expect(m.files).toEqual([`${sim.baseUrl}/contents/${sim.ids.content('pdf')}`]);
    const events = await all(client.events.list({ resource: 'messages', type: 'created', from: '2026-01-01T00:00:00.000Z', to: new Date().toISOString(), max: 1000 }));
    expect(events).toHaveLength(BIG_ROOM_MESSAGES + 2);
    expect(new Set(events.map((e) => e.data.id))).toEqual(new Set(sim.expected().map((v) => v.messageId)));
    expect(() => client.events.list({ max: 1001 })).toThrow(/1\.\.1000/);
  });

  it('webhooks: create, list, re-activate, delete', async () => {
    const created = await client.webhooks.create({ name: 'archiver', targetUrl: 'http://127.0.0.1:9/hook', resource: 'messages', event: 'created', secret: 's3cret' });
    expect(created).toMatchObject({ name: 'archiver', resource: 'messages', event: 'created', status: 'active' });
    expect((await all(client.webhooks.list())).map((w) => w.id)).toContain(created.id);
    const updated = await client.webhooks.update(created.id, { name: 'archiver 2', targetUrl: created.targetUrl, status: 'active' });
    expect(updated).toMatchObject({ id: created.id, name: 'archiver 2', status: 'active' });
    await client.webhooks.delete(created.id);
    await expect(client.webhooks.get(created.id)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('404: NOT_FOUND at once, or after retryNotFound tries', async () => {
    const missing = 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw';
    const err = await client.messages.get(missing).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', retriable: false, status: 404 });
    expect((err as Error).message).toMatch(/trackingId ROUTER_/);
    sim.resetStats();
    const fast = createWebexClient({ baseUrl: sim.baseUrl, token: 't', log: createLogger({ level: 'silent' }), retry: { notFoundBaseDelayMs: 1 } });
    await expect(fast.messages.get(missing, { retryNotFound: 2 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(sim.stats.byRoute['GET /v1/messages/:id']).toBe(3);
  });
});
