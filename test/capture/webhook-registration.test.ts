import { afterEach, describe, expect, it } from 'vitest';
import { applyRegistration, listWebhooks, WANTED } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import { loadConfig } from '../../src/config/load.js';
import type { WebhookDelivery } from '../../src/kafka/records.js';
import { createLogger } from '../../src/log.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import type { WebexClient } from '../../src/webex/client.js';
import { startReceiver } from '../support/capture.js';
import { spawnCli } from '../support/cli.js';
import { testEnv } from '../support/config.js';

// `webhooks repair`: Webex disables a webhook after repeated failed deliveries and never
// re-enables it by itself. Here the deliveries fail because the webhooks were registered with an
// old secret the receiver no longer accepts (401); repair re-activates them with the current one,
// and deliveries reach Kafka again.
const OLD_SECRET = 'an-old-webhook-secret-rotated-away';
const SECRET = 'the-current-webhook-secret';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

interface Disabled { sim: WebexSimulator; rt: Runtime; client: WebexClient; env: Record<string, string>; targetUrl: string }

/** Our webhooks, registered with the old secret and disabled by the simulator after 3 failures each. */
async function disabledWebhooks(): Promise<Disabled> {
  // Six rooms: three group spaces renamed, so the rooms webhook fails three times too.
  const sim = await startWebexSimulator({ seed: { seed: 31, users: 4, rooms: 6, messages: 6 }, webhookFailureThreshold: 3 });
  cleanup.push(() => sim.close());
  const pre = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET });
  const rt = await createRuntime(loadConfig({}, pre));
  cleanup.push(() => rt.close());
  const receiver = await startReceiver(rt);
  cleanup.push(() => receiver.close());
  const env = { ...pre, WXA_WEBHOOK_TARGET_URL: receiver.targetUrl };
  const client = createWebexFromConfig(rt.config, rt.logger);
  expect((await applyRegistration(client, receiver.targetUrl, OLD_SECRET)).create).toHaveLength(WANTED.length);
  await sim.playLive({ memberships: true, rooms: true });
  expect(sim.stats.webhooks).toMatchObject({ delivered: 0, disabled: WANTED.length });
  expect((await listWebhooks(client)).map((w) => w.status)).toEqual(WANTED.map(() => 'inactive'));
  return { sim, rt, client, env, targetUrl: receiver.targetUrl };
}

/** After repair, a live play is delivered, accepted (signed with the current secret) and in webex.webhooks.v1. */
async function expectDeliveriesInKafka({ sim, rt }: Pick<Disabled, 'sim' | 'rt'>): Promise<void> {
  sim.resetStats();
  await sim.playLive({ memberships: true, rooms: true });
  expect(sim.stats.webhooks).toMatchObject({ failed: 0, disabled: 0 });
  expect(sim.stats.webhooks.delivered).toBeGreaterThan(0);
  const inKafka: WebhookDelivery[] = [];
  await readTopicToEnd<WebhookDelivery>(rt.kafka, rt.serde, topicName(rt.config, 'webhooks'), (v) => v && inKafka.push(v));
  expect(inKafka).toHaveLength(sim.stats.webhooks.delivered);
  expect(new Set(inKafka.map((d) => d.resource))).toEqual(new Set(WANTED.map((w) => w.resource)));
}

describe('webhook registration against the simulator', () => {
  it('repair re-activates disabled webhooks with the current secret, creates nothing, and is then a no-op', async () => {
    const d = await disabledWebhooks();
    const before = await listWebhooks(d.client);
    const plan = await applyRegistration(d.client, d.targetUrl, SECRET, { repairOnly: true });
    expect(plan.create).toEqual([]);
    expect(plan.reactivate.map((w) => w.id).sort()).toEqual(before.map((w) => w.id).sort());
    const after = await listWebhooks(d.client);
    expect(after.map((w) => [w.id, w.status])).toEqual(before.map((w) => [w.id, 'active']));
    expect(await applyRegistration(d.client, d.targetUrl, SECRET, { repairOnly: true })).toMatchObject({ reactivate: [], create: [] });
    await expectDeliveriesInKafka(d);
  });

  it('after a secret rotation, register updates active webhooks still signing with the old secret', async () => {
    const sim = await startWebexSimulator({ seed: { seed: 31, users: 4, rooms: 2, messages: 6 } });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(loadConfig({}, testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET })));
    cleanup.push(() => rt.close());
    const receiver = await startReceiver(rt);
    cleanup.push(() => receiver.close());
    const client = createWebexFromConfig(rt.config, rt.logger);
    await applyRegistration(client, receiver.targetUrl, OLD_SECRET);
    const plan = await applyRegistration(client, receiver.targetUrl, SECRET);
    expect(plan).toMatchObject({ create: [], reactivate: [], keep: [] });
    expect(plan.resecret).toHaveLength(WANTED.length);
    expect(await applyRegistration(client, receiver.targetUrl, SECRET)).toMatchObject({ resecret: [], keep: WANTED.map(() => ({})) });
    await expectDeliveriesInKafka({ sim, rt });
  });

  it('repair creates nothing when our webhooks are missing; register does', async () => {
    const sim = await startWebexSimulator({ seed: { seed: 31, users: 4, rooms: 2, messages: 6 } });
    cleanup.push(() => sim.close());
    const client = createWebexFromConfig(loadConfig({}, testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl })), createLogger({ level: 'warn' }));
    const target = 'http://127.0.0.1:9/webhooks/webex';
    expect((await applyRegistration(client, target, SECRET, { repairOnly: true })).create).toEqual([]);
    expect(await listWebhooks(client)).toEqual([]);
    expect((await applyRegistration(client, target, SECRET)).create).toHaveLength(WANTED.length);
    expect((await listWebhooks(client)).map((w) => [w.name, w.status]).sort()).toEqual(WANTED.map((w) => [w.name, 'active']).sort());
  });

  it('the CLI: `webhooks list` shows them inactive, `webhooks repair` re-activates them', async () => {
    const d = await disabledWebhooks();
    const list = async () => {
      const run = spawnCli(['webhooks', 'list', '--json'], d.env);
      expect(await run.exited, run.output()).toBe(0);
      return (JSON.parse(run.output().slice(run.output().indexOf('['))) as { name: string; status: string; targetUrl: string }[]).map((w) => [w.name, w.status, w.targetUrl]).sort();
    };
    expect(await list()).toEqual(WANTED.map((w) => [w.name, 'inactive', d.targetUrl]).sort());
    const repair = spawnCli(['webhooks', 'repair'], d.env);
    expect(await repair.exited, repair.output()).toBe(0);
    expect(repair.output()).toContain(`created 0, re-activated ${WANTED.length}, re-keyed 0, already active 0`);
    expect(await list()).toEqual(WANTED.map((w) => [w.name, 'active', d.targetUrl]).sort());
    await expectDeliveriesInKafka(d);
  });

  it('the CLI: `webhooks register` after a secret rotation reports the webhooks it re-keyed', async () => {
    const sim = await startWebexSimulator({ seed: { seed: 31, users: 4, rooms: 2, messages: 6 } });
    cleanup.push(() => sim.close());
    const env = testEnv({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: SECRET, WXA_WEBHOOK_TARGET_URL: 'http://127.0.0.1:9/webhooks/webex' });
    const client = createWebexFromConfig(loadConfig({}, env), createLogger({ level: 'warn' }));
    await applyRegistration(client, env.WXA_WEBHOOK_TARGET_URL!, OLD_SECRET);
    const register = spawnCli(['webhooks', 'register'], env);
    expect(await register.exited, register.output()).toBe(0);
    // Without the re-keyed count the two updates this run made would not show in its output at all.
    expect(register.output()).toContain(`created 0, re-activated 0, re-keyed ${WANTED.length}, already active 0`);
    expect(await applyRegistration(client, env.WXA_WEBHOOK_TARGET_URL!, SECRET)).toMatchObject({ resecret: [], keep: WANTED.map(() => ({})) });
  });
});
