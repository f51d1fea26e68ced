import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { api, walk } from './helpers.js';

let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startWebexSimulator({ seed: { seed: 5, users: 10, rooms: 6, messages: 1500 } });
});
afterAll(() => sim.close());

const ids = (pages: { body: any }[]) => pages.flatMap((p) => p.body.items.map((x: any) => x.id));

describe('events pagination', () => {
  it('caps max at 1000 silently and walks every event exactly once', async () => {
    const pages = await walk(sim, '/events?max=5000');
    expect(pages[0]!.body.items).toHaveLength(1000);
    const all = ids(pages);
    expect(new Set(all).size).toBe(all.length);
    const versions = sim.expected().length;
    expect(all.length).toBeGreaterThan(versions);
    const messageEvents = ids(await walk(sim, '/events?resource=messages&max=1000'));
    expect(messageEvents).toHaveLength(versions);
  });

  it('adjacent [from, to) windows neither lose nor repeat an event', async () => {
    const whole = ids(await walk(sim, '/events?max=1000&to=2026-02-01T00:00:00.000Z'));
    const cut = '2026-01-08T00:00:00.000Z';
    const first = ids(await walk(sim, `/events?max=250&to=${cut}`));
    const second = ids(await walk(sim, `/events?max=250&from=${cut}&to=2026-02-01T00:00:00.000Z`));
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect([...second, ...first]).toEqual(whole);
  });

  it('new events during a walk do not shift the pages a client has yet to read', async () => {
    const before = ids(await walk(sim, '/events?resource=messages&max=300'));
    const firstPage = await api(sim, '/events?resource=messages&max=300');
    // Something happens now: a new event lands at the head of the newest-first list.
    await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r1'), text: 'late' }) });
    const rest = ids(await walk(sim, firstPage.next!));
    expect([...firstPage.body.items.map((e: any) => e.id), ...rest]).toEqual(before);
  });

  it('events are newest first and carry the resource snapshot', async () => {
    const page = await api(sim, '/events?resource=messages&type=updated&max=20');
    const times = page.body.items.map((e: any) => e.created);
    expect([...times].sort().reverse()).toEqual(times);
    const e = page.body.items.at(-1);
    const version = sim.expected().find((v) => v.messageId === e.data.id && v.kind === 'updated' && v.at === e.created)!;
    expect(e.data.text).toBe(version.text);
  });
});

describe('rooms and memberships pagination', () => {
  it('rooms walk with cursors; memberships by room', async () => {
    const rooms = ids(await walk(sim, '/rooms?max=2'));
    expect(rooms).toHaveLength(6);
    expect(new Set(rooms).size).toBe(6);
    for (const roomId of rooms) {
      const page = await api(sim, `/memberships?roomId=${roomId}&max=1`);
      expect(page.body.items).toHaveLength(1);
    }
  });

  it('a bad cursor is a 400', async () => {
    expect((await api(sim, '/rooms?cursor=%%%')).status).toBe(400);
  });
});
