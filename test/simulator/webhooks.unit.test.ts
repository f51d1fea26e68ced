import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebexSimulator } from '../../src/simulator/index.js';
import { api, startReceiver, startSmall } from './helpers.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(opts: Parameters<typeof startSmall>[0] = {}, status: () => number = () => 200) {
  const sim = await startSmall(opts);
  const target = await startReceiver(status);
  cleanup.push(() => sim.close(), () => target.close());
  return { sim, target };
}

async function register(sim: WebexSimulator, targetUrl: string, extra: Record<string, unknown> = {}) {
  const res = await api(sim, '/webhooks', { method: 'POST', body: JSON.stringify({ name: 'archiver', targetUrl, resource: 'messages', event: 'all', secret: 'top-secret', ...extra }) });
  expect(res.status).toBe(200);
  return res.body;
}

function verify(raw: Buffer, signature: string | undefined, secret: string): boolean {
  const want = createHmac('sha1', secret).update(raw).digest();
  const got = Buffer.from(signature ?? '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

describe('webhook delivery', () => {
  it('posts compact JSON signed with hex HMAC-SHA1 of the exact bytes; data carries no text', async () => {
    const { sim, target } = await setup();
    const hook = await register(sim, target.url);
    const posted = await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r1'), text: 'secret words' }) });
    await sim.webhooksIdle();
    expect(target.received).toHaveLength(1);
    const { raw, headers } = target.received[0]!;
    expect(verify(raw, headers['x-spark-signature'] as string, 'top-secret')).toBe(true);
    expect(verify(raw, headers['x-spark-signature'] as string, 'wrong')).toBe(false);
    const body = JSON.parse(raw.toString('utf8'));
    expect(raw.toString('utf8')).toBe(JSON.stringify(body));
    expect(body).toMatchObject({ id: hook.id, resource: 'messages', event: 'created', orgId: sim.orgId, status: 'active', actorId: sim.meId });
    expect(body.data).toMatchObject({ id: posted.body.id, roomId: sim.ids.room('r1'), roomType: 'group' });
    expect(body.data.text).toBeUndefined();
    expect(body.secret).toBeUndefined();
  });

  it('applies filters and signs with the default secret when none was given', async () => {
    const { sim, target } = await setup({ webhookSecretDefault: 'dflt' });
    await register(sim, target.url, { filter: `roomId=${sim.ids.room('r3')}`, secret: undefined });
    await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r1'), text: 'not for this hook' }) });
    await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r3'), text: 'for this hook' }) });
    await sim.webhooksIdle();
    expect(target.received).toHaveLength(1);
    expect(verify(target.received[0]!.raw, target.received[0]!.headers['x-spark-signature'] as string, 'dflt')).toBe(true);
  });

  it('disables a webhook after the failure threshold; PUT status:active re-activates; one failure soon after disables again', async () => {
    let answer = 500;
    const { sim, target } = await setup({ webhookFailureThreshold: 3 }, () => answer);
    const hook = await register(sim, target.url);
    const post = (text: string) => api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r1'), text }) });
    for (const t of ['a', 'b']) await post(t);
    await sim.webhooksIdle();
    expect((await api(sim, `/webhooks/${hook.id}`)).body.status).toBe('active');
    await post('c');
    await sim.webhooksIdle();
    expect((await api(sim, `/webhooks/${hook.id}`)).body.status).toBe('inactive');
    await post('d');
    await sim.webhooksIdle();
    expect(target.received).toHaveLength(3);

    const bad = await api(sim, `/webhooks/${hook.id}`, { method: 'PUT', body: JSON.stringify({ name: 'archiver', targetUrl: target.url, status: 'inactive' }) });
    expect(bad.status).toBe(400);
    const put = await api(sim, `/webhooks/${hook.id}`, { method: 'PUT', body: JSON.stringify({ name: 'archiver', targetUrl: target.url, status: 'active' }) });
    expect(put.body.status).toBe('active');
    answer = 200;
    await post('e');
    await sim.webhooksIdle();
    expect(target.received).toHaveLength(4);
    answer = 503;
    await post('f');
    await sim.webhooksIdle();
    expect((await api(sim, `/webhooks/${hook.id}`)).body.status).toBe('inactive');
    expect(sim.stats.webhooks).toMatchObject({ delivered: 1, failed: 4, disabled: 2 });
  });

  it('drops the next N deliveries when told to', async () => {
    const { sim, target } = await setup();
    await register(sim, target.url);
    sim.faults.set({ dropWebhooks: { count: 2 } });
    for (const t of ['a', 'b', 'c']) await api(sim, '/messages', { method: 'POST', body: JSON.stringify({ roomId: sim.ids.room('r1'), text: t }) });
    await sim.webhooksIdle();
    expect(target.received).toHaveLength(1);
    expect(sim.stats.webhooks.dropped).toBe(2);
  });

  it('webhook CRUD: list, delete (204), then 404', async () => {
    const { sim, target } = await setup();
    const hook = await register(sim, target.url);
    expect((await api(sim, '/webhooks')).body.items.map((w: any) => w.id)).toEqual([hook.id]);
    expect((await api(sim, `/webhooks/${hook.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(sim, `/webhooks/${hook.id}`)).status).toBe(404);
    expect((await api(sim, '/webhooks', { method: 'POST', body: JSON.stringify({ name: 'x', targetUrl: 'nope', resource: 'messages', event: 'created' }) })).status).toBe(400);
  });
});

describe('playLive', () => {
  it('with held messages, everything arrives through webhooks, in order, and only then shows in REST', async () => {
    const { sim, target } = await setup({ holdMessages: true, webhookConcurrency: 1 });
    await register(sim, target.url, { resource: 'all' });
    expect((await api(sim, `/messages/${sim.ids.message('m1')}`)).status).toBe(404);
    expect((await api(sim, '/events?resource=messages')).body.items).toEqual([]);
    const result = await sim.playLive({ memberships: true });
    const versions = sim.expected();
    expect(result).toMatchObject({ versions: versions.length, membershipChanges: 8 });
    expect(versions.every((v) => v.released)).toBe(true);
    const seen = target.received.map((r) => JSON.parse(r.raw.toString('utf8')));
    expect(seen).toHaveLength(versions.length + 8);
    const messageEvents = seen.filter((b) => b.resource === 'messages');
    expect(messageEvents.map((b) => `${b.data.id}/${b.event}`)).toEqual(versions.map((v) => `${v.messageId}/${v.kind}`));
    // Dan leaves r1 at 12:00, after every r1 message; joins come before the first message.
    expect(seen[0]).toMatchObject({ resource: 'memberships', event: 'created' });
    const leave = seen.findIndex((b) => b.resource === 'memberships' && b.event === 'deleted');
    expect(seen[leave].data.personId).toBe(sim.ids.person('dan'));
    expect(seen.slice(leave).some((b) => b.data.roomId === sim.ids.room('r1') && b.resource === 'messages')).toBe(false);
    expect((await api(sim, `/messages/${sim.ids.message('m1')}`)).body.text).toBe('hello all');
    const events = await api(sim, '/events?resource=messages&max=1000');
    expect(events.body.items).toHaveLength(versions.length);
  });

  it('with concurrent deliveries, every version still arrives once', async () => {
    const { sim, target } = await setup({ webhookConcurrency: 8 });
    await register(sim, target.url);
    await sim.playLive();
    const got = target.received.map((r) => JSON.parse(r.raw.toString('utf8'))).map((b) => `${b.data.id}/${b.event}`).sort();
    expect(got).toEqual(sim.expected().map((v) => `${v.messageId}/${v.kind}`).sort());
  });
});
