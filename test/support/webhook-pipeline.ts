import { afterAll, beforeAll } from 'vitest';
import { applyRegistration } from '../../src/capture/webhook-registration.js';
import { createWebexFromConfig } from '../../src/capture/webex-source.js';
import type { Outcome } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { startService, type ArchiverService } from '../../src/service/service.js';
import { startWebexSimulator, type FixtureMessage, type OrgFixture, type WebexSimulator } from '../../src/simulator/index.js';
import { testConfig } from './config.js';

export interface WebhookPipeline { sim: WebexSimulator; service: ArchiverService; outcomes(): Promise<Outcome[]>; stop(): Promise<void> }

/**
 * The whole service on the real servers, fed by a held fixture through signed webhooks: the
 * simulator, the receiver and every processor, IMAP into Dovecot. `sim.playLive()` starts the flow.
 */
export async function startWebhookPipeline(fixture: OrgFixture, secret: string): Promise<WebhookPipeline> {
  const sim = await startWebexSimulator({ fixture, holdMessages: true });
  const config = testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_WEBHOOK_SECRET: secret, WXA_SINK: 'imap', WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com' });
  const service = await startService(config);
  await applyRegistration(createWebexFromConfig(config, service.rt.logger), `${service.url}/webhooks/webex`, secret);
  return {
    sim, service,
    async outcomes() {
      const out: Outcome[] = [];
      await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'outcomes'), (v) => v && out.push(v));
      return out;
    },
    async stop() { await service.stop(); await sim.close(); },
  };
}

/** Alice and Bob (addresses unique to the test) in one group room `r1`, with the given messages. */
export function aliceAndBob(id: string, messages: FixtureMessage[]): OrgFixture {
  return {
    org: { domains: ['example.com'] },
    people: [
      { key: 'alice', email: `alice-${id}@example.com`, displayName: 'Alice Ng' },
      { key: 'bob', email: `bob-${id}@example.com`, displayName: 'Bob Li' },
    ],
    teams: [],
    rooms: [{ key: 'r1', type: 'group', title: 'Rates chat', created: '2026-01-05T09:00:00.000Z' }],
    memberships: [
      { room: 'r1', person: 'alice', joined: '2026-01-05T09:00:00.000Z', left: null },
      { room: 'r1', person: 'bob', joined: '2026-01-05T09:00:00.000Z', left: null },
    ],
    messages,
  };
}

/**
 * In a describe block: the webhook-fed pipeline for `fixture`, started before its tests and
 * stopped after them. The returned getter is valid inside the tests.
 */
export function useWebhookPipeline(fixture: () => OrgFixture, secret: string): () => WebhookPipeline {
  let pipeline: WebhookPipeline | undefined;
  beforeAll(async () => { pipeline = await startWebhookPipeline(fixture(), secret); });
  afterAll(async () => { await pipeline?.stop(); });
  return () => {
    if (!pipeline) throw new Error('the webhook pipeline is not started (use it inside a test)');
    return pipeline;
  };
}
