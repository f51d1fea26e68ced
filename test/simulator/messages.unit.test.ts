import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebexSimulator } from '../../src/simulator/index.js';
import { api, startSmall, walk } from './helpers.js';

let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startSmall();
});
afterAll(() => sim.close());

const r1 = () => sim.ids.room('r1');

describe('GET /messages', () => {
  it('walks every live message newest first through Link headers, then stops', async () => {
    const pages = await walk(sim, `/messages?roomId=${r1()}&max=2`);
    const ids = pages.flatMap((p) => p.body.items.map((m: any) => m.id));
    // m3 was deleted, so it leaves the room listing.
    expect(ids).toEqual(['m7', 'm6', 'm5', 'm4', 'm2', 'm1'].map((k) => sim.ids.message(k)));
    expect(pages).toHaveLength(3);
    expect(pages.at(-1)!.next).toBeUndefined();
    expect(pages[0]!.next).toMatch(new RegExp(`^${sim.baseUrl}/messages\\?`));
  });

  it('beforeMessage starts strictly after the given message', async () => {
    const page = await api(sim, `/messages?roomId=${r1()}&beforeMessage=${sim.ids.message('m5')}&max=10`);
    expect(page.body.items.map((m: any) => m.id)).toEqual(['m4', 'm2', 'm1'].map((k) => sim.ids.message(k)));
  });

  it('before filters by time, parentId lists a thread', async () => {
    const before = await api(sim, `/messages?roomId=${r1()}&before=2026-01-05T09:06:00.000Z`);
    expect(before.body.items.map((m: any) => m.id)).toEqual(['m2', 'm1'].map((k) => sim.ids.message(k)));
    const thread = await api(sim, `/messages?roomId=${r1()}&parentId=${sim.ids.message('m1')}`);
    expect(thread.body.items.map((m: any) => m.id)).toEqual(['m4', 'm2'].map((k) => sim.ids.message(k)));
    expect(thread.body.items[0].parentId).toBe(sim.ids.message('m1'));
  });

  it('caps a large max silently and rejects a missing roomId or unknown beforeMessage', async () => {
    expect((await api(sim, `/messages?roomId=${r1()}&max=100000`)).status).toBe(200);
    expect((await api(sim, '/messages')).status).toBe(400);
    expect((await api(sim, `/messages?roomId=${r1()}&beforeMessage=${sim.ids.message('m8')}`)).status).toBe(404);
  });
});

describe('message JSON', () => {
  it('shows the last edit with `updated`, files as content URLs and the Webex id format', async () => {
    const m1 = (await api(sim, `/messages/${sim.ids.message('m1')}`)).body;
    expect(m1).toMatchObject({ text: 'hello all', updated: '2026-01-05T09:02:00.000Z', roomType: 'group', personEmail: 'alice@example.com' });
    expect(Buffer.from(m1.id, 'base64url').toString()).toMatch(/^ciscospark:\/\/us\/MESSAGE\/[0-9a-f-]{36}$/);
    const m2 = (await api(sim, `/messages/${sim.ids.message('m2')}`)).body;
    expect(m2.updated).toBeUndefined();
    expect(m2.files).toEqual([0, 1].map((i) => `${sim.baseUrl}/contents/${sim.ids.content('m2', i)}`));
  });

  it('a deleted message stays readable by id for the Compliance Officer', async () => {
    const m3 = await api(sim, `/messages/${sim.ids.message('m3')}`);
    expect(m3.status).toBe(200);
    expect(m3.body.text).toBe('oops, wrong room');
  });
});

describe('POST, PUT and DELETE', () => {
  it('edits up to 10 times, then 400; 400 for messages with files', async () => {
    const posted = await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r3'), text: 'draft' }) });
    expect(posted.status).toBe(200);
    const id = posted.body.id;
    for (let i = 1; i <= 10; i++) {
      const put = await api(sim, `/messages/${id}`, { method: 'PUT', body: JSON.stringify({ roomId: sim.ids.room('r3'), text: `v${i}` }) });
      expect(put.status).toBe(200);
      expect(put.body.text).toBe(`v${i}`);
    }
    const eleventh = await api(sim, `/messages/${id}`, { method: 'PUT', body: JSON.stringify({ roomId: sim.ids.room('r3'), text: 'v11' }) });
    expect(eleventh.status).toBe(400);
    const withFiles = await api(sim, `/messages/${sim.ids.message('m2')}`, { method: 'PUT', body: JSON.stringify({ roomId: r1(), text: 'x' }) });
    expect(withFiles.status).toBe(400);
    const updates = await api(sim, `/events?resource=messages&type=updated&max=1000`);
    expect(updates.body.items.filter((e: any) => e.data.id === id)).toHaveLength(10);
  });

  it('deletes with 204, keeps the message for the Compliance Officer, answers 410 to a second delete', async () => {
    const id = sim.ids.message('m6');
    expect((await api(sim, `/messages/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(sim, `/messages/${id}`)).status).toBe(200);
    expect((await api(sim, `/messages/${id}`, { method: 'DELETE' })).status).toBe(410);
    const listed = await api(sim, `/messages?roomId=${r1()}&max=50`);
    expect(listed.body.items.map((m: any) => m.id)).not.toContain(id);
    const deletions = await api(sim, `/events?resource=messages&type=deleted`);
    expect(deletions.body.items.map((e: any) => e.data.id)).toContain(id);
    expect(sim.expected().filter((v) => v.messageId === id).map((v) => v.kind)).toEqual(['created', 'deleted']);
  });
});

describe('directory', () => {
  it('memberships change over time and the Compliance Officer may ask by personEmail without roomId', async () => {
    const members = await api(sim, `/memberships?roomId=${r1()}`);
    expect(members.body.items.map((m: any) => m.personEmail).sort()).toEqual(['alice@example.com', 'bob@example.com']);
    const pages = await walk(sim, '/memberships?personEmail=alice@example.com');
    expect(pages[0]!.body.items).toEqual([]);
    expect(pages[0]!.next).toBeDefined();
    expect(pages.flatMap((p) => p.body.items).map((m: any) => m.roomId).sort()).toEqual(['r1', 'r2', 'r3'].map((k) => sim.ids.room(k)).sort());
  });

  it('rooms carry teamId for team spaces; people by email; 404 for unknown ids', async () => {
    expect((await api(sim, `/rooms/${r1()}`)).body.teamId).toBe(sim.ids.team('desk'));
    expect((await api(sim, `/rooms/${sim.ids.room('r2')}`)).body).toMatchObject({ type: 'direct' });
    expect((await api(sim, `/rooms/${sim.ids.room('r2')}`)).body.teamId).toBeUndefined();
    const carol = await api(sim, '/people?email=carol@partner.example.org');
    expect(carol.body.items.map((p: any) => p.id)).toEqual([sim.ids.person('carol')]);
    expect(carol.body.items[0].orgId).not.toBe((await api(sim, `/people/${sim.ids.person('alice')}`)).body.orgId);
    expect((await api(sim, `/rooms/${sim.ids.message('m1')}`)).status).toBe(404);
  });
});
