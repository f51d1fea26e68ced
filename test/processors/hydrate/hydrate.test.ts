import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter, RawMessage } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { topicName } from '../../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { startWebexSimulator, type OrgFixture, type WebexSimulator } from '../../../src/simulator/index.js';
import { readRaw, startWebhookCapture } from '../../support/capture.js';
import { testConfig, uniqueId } from '../../support/config.js';
import { waitUntil } from '../../support/wait.js';

// hydrate as it runs: simulator webhooks → receiver → webex.webhooks.v1 → hydrate → webex.raw.v1,
// on the real Kafka, registry and Azurite.

const MINUTE = 60_000;
const T0 = Date.now() - 10 * MINUTE;
const at = (minutes: number) => new Date(T0 + minutes * MINUTE).toISOString();
const LEFT_AT = 4;

/** Carol leaves "Rates chat" and Dave joins at minute 4; m1 and m1b are before that, m2 after. */
function fixture(): OrgFixture {
  const id = uniqueId();
  const person = (key: string, name: string) => ({ key, email: `${key}-${id}@example.com`, displayName: name });
  return {
    org: { domains: ['example.com'] },
    people: [person('alice', 'Alice Ng'), person('bob', 'Bob Li'), person('carol', 'Carol Diaz'), person('dave', 'Dave Ito')],
    rooms: [{ key: 'r1', type: 'group', title: 'Rates chat', created: at(0) }],
    memberships: [
      { room: 'r1', person: 'alice', joined: at(0) },
      { room: 'r1', person: 'bob', joined: at(0) },
      { room: 'r1', person: 'carol', joined: at(0), left: at(LEFT_AT) },
      { room: 'r1', person: 'dave', joined: at(LEFT_AT) },
    ],
    messages: [
      { key: 'm1', room: 'r1', person: 'alice', created: at(1), text: 'before carol left' },
      { key: 'm1b', room: 'r1', person: 'bob', created: at(2), text: 'also before' },
      { key: 'm2', room: 'r1', person: 'alice', created: at(6), text: 'after dave joined' },
      { key: 'm3', room: 'r1', person: 'bob', created: at(7), text: 'REST is slow for this one' },
    ],
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

/** A simulator on a clock the test sets (memberships are "current" by it), and the webhook path into Kafka. */
async function setup(): Promise<{ sim: WebexSimulator; rt: Runtime; clock: { now: number }; rawOf(key: string): Promise<RawMessage> }> {
  const clock = { now: Date.now() };
  // One delivery at a time, so a membership change reaches hydrate before the message after it.
  const sim = await startWebexSimulator({ fixture: fixture(), holdMessages: true, now: () => clock.now, webhookConcurrency: 1 });
  cleanup.push(() => sim.close());
  const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: 'hydrate-test-webhook-secret' }));
  cleanup.push(() => rt.close());
  const capture = await startWebhookCapture(rt);
  cleanup.push(() => capture.stop());
  async function rawOf(key: string): Promise<RawMessage> {
    const id = sim.ids.message(key);
    let found: RawMessage | undefined;
    await waitUntil(async () => (found = (await readRaw(rt)).find((r) => r.message.id === id)) !== undefined, 30_000, `the raw record of ${key}`);
    return found!;
  }
  return { sim, rt, clock, rawOf };
}

const emails = (r: RawMessage) => r.participants.map((p) => p.email.split('-')[0]).sort();
const membershipLists = (sim: WebexSimulator) => sim.stats.byRoute['GET /v1/memberships'] ?? 0;

describe('hydrate', () => {
  it('a membership webhook invalidates the cached room: the next message has the members of that time', async () => {
    const { sim, clock, rawOf } = await setup();
    clock.now = Date.parse(at(3)); // carol is still in the room
    await sim.playLive({ messages: ['m1'] });
    expect(emails(await rawOf('m1'))).toEqual(['alice', 'bob', 'carol']);
    expect(membershipLists(sim)).toBe(1);

    // Carol has left and Dave joined, but nobody told hydrate: its cached members still answer
    // (right for m1b, written before the change) and Webex is not asked again.
    clock.now = Date.now();
    await sim.playLive({ messages: ['m1b'] });
    expect(emails(await rawOf('m1b'))).toEqual(['alice', 'bob', 'carol']);
    expect(membershipLists(sim)).toBe(1);

    // Now the membership webhooks (every join, then Carol's leave) arrive before m2's.
    const played = await sim.playLive({ messages: ['m2'], memberships: true });
    expect(played.membershipChanges).toBe(5);
    const m2 = await rawOf('m2');
    expect(emails(m2)).toEqual(['alice', 'bob', 'dave']);
    expect(m2.participants.find((p) => p.email.startsWith('dave-'))?.displayName).toBe('Dave Ito');
    expect(membershipLists(sim)).toBe(2);
  });

  it('REST lagging the webhook (404 on GET /messages/{id}) still gives the raw record', async () => {
    const { sim, rawOf } = await setup();
    // hydrate retries a 404 three times after a webhook (retryNotFound: 3): lag through all but the last try.
    sim.faults.set({ restLag: { count: 3 } });
    await sim.playLive({ messages: ['m3'] });
    const m3 = await rawOf('m3');
    expect(m3).toMatchObject({ source: 'webhook', event: 'created', message: { id: sim.ids.message('m3'), text: 'REST is slow for this one' } });
    expect(sim.faults.current().restLag).toMatchObject({ count: 0 });
    expect(sim.stats.byStatus['404']).toBe(3);
    expect(sim.stats.byRoute['GET /v1/messages/:id']).toBe(4);
  });

  it('403 (the token lost its scope) pauses hydrate: nothing dead-lettered, and once access is back the raw record arrives', async () => {
    const { sim, rt, rawOf } = await setup();
    sim.faults.set({ forbidden: { count: 2, only: '/messages/' } });
    await sim.playLive({ messages: ['m1'] });
    expect(await rawOf('m1')).toMatchObject({ source: 'webhook', message: { id: sim.ids.message('m1') } });
    expect(sim.stats.byStatus['403']).toBe(2);
    const dead: DeadLetter[] = [];
    await readTopicToEnd<DeadLetter>(rt.kafka, rt.serde, topicName(rt.config, 'deadLetter'), (v) => v && dead.push(v));
    expect(dead).toEqual([]);
  });
});
