import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReceiver } from '../../src/capture/receiver.js';
import { createKafka } from '../../src/kafka/client.js';
import { createPublisher } from '../../src/kafka/publisher.js';
import type { WebhookDelivery } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { createSerde } from '../../src/kafka/serde.js';
import { topicName } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { signWebhookBody } from '../../src/webex/signature.js';
import { testConfig } from '../support/config.js';

const SECRET = 'receiver-test-secret-0123456789';

function envelope(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: 'WH1', name: 'archiver', resource: 'messages', event: 'created', orgId: 'ORG', actorId: 'P1', ownedBy: 'org', status: 'active', data: { id: 'M1', roomId: 'R1', personId: 'P1', personEmail: 'a@example.com', created: '2026-01-05T09:01:00.000Z' }, ...over });
}

// The receiver against the real broker: 2xx only once the delivery is in webex.webhooks.v1.
describe('webhook receiver', () => {
  const config = testConfig({ WXA_WEBHOOK_SECRET: SECRET, WXA_RECEIVER_MAX_BODY_BYTES: '65536' });
  let rt: Runtime;
  let app: ReturnType<typeof buildReceiver>;
  beforeAll(async () => {
    rt = await createRuntime(config);
    app = buildReceiver({ config, publisher: rt.publisher, logger: rt.logger });
  });
  afterAll(async () => { await app?.close(); await rt?.close(); });

  const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/webhooks/webex', payload: body, headers: { 'content-type': 'application/json', ...headers } });

  it('accepts a correctly signed delivery only after it is in Kafka, byte for byte', async () => {
    const body = envelope();
    const res = await post(body, { 'x-spark-signature': signWebhookBody(body, SECRET) });
    expect(res.statusCode).toBe(202);
    const stored: WebhookDelivery[] = [];
    await readTopicToEnd<WebhookDelivery>(rt.kafka, rt.serde, topicName(config, 'webhooks'), (v) => v && stored.push(v));
    const mine = stored.find((d) => d.deliveryId === res.json().accepted);
    expect(mine).toBeDefined();
    expect(mine!.body).toBe(body);
    expect(mine).toMatchObject({ resource: 'messages', event: 'created', dataId: 'M1', roomId: 'R1' });
  });

  it('401 on a missing, wrong, or replayed-with-altered-body signature', async () => {
    const body = envelope();
    expect((await post(body)).statusCode).toBe(401);
    expect((await post(body, { 'x-spark-signature': 'not-hex' })).statusCode).toBe(401);
    expect((await post(body, { 'x-spark-signature': signWebhookBody(body, 'another-secret-0123456789') })).statusCode).toBe(401);
    const altered = body.replace('M1', 'M2');
    expect((await post(altered, { 'x-spark-signature': signWebhookBody(body, SECRET) })).statusCode).toBe(401);
  });

  it('400 on malformed JSON or a body that is not a webhook envelope, even when signed', async () => {
    for (const body of ['{"id":', '[]', '{"id":"W"}']) {
      expect((await post(body, { 'x-spark-signature': signWebhookBody(body, SECRET) })).statusCode).toBe(400);
    }
  });

  it('413 on a huge body, 415 on a non-JSON body; the receiver stays up', async () => {
    const huge = envelope({ padding: 'x'.repeat(100_000) });
    expect((await post(huge, { 'x-spark-signature': signWebhookBody(huge, SECRET) })).statusCode).toBe(413);
    const form = await app.inject({ method: 'POST', url: '/webhooks/webex', payload: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.statusCode).toBe(415);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps verified deliveries of resources it does not archive (nothing is lost) and answers 202', async () => {
    const body = envelope({ resource: 'meetings', event: 'ended', data: { id: 'MEET1' } });
    expect((await post(body, { 'x-spark-signature': signWebhookBody(body, SECRET) })).statusCode).toBe(202);
  });

  it('503 with Retry-After while Kafka is unreachable, so Webex retries', async () => {
    const logger = createLogger({ level: 'silent' });
    const down = { ...config, kafkaBrokers: ['127.0.0.1:1'] };
    const kafka = createKafka(down, logger);
    const publisher = await createPublisher(kafka, createSerde(config), config, { connectNow: false });
    const offline = buildReceiver({ config, publisher, logger, publishTimeoutMs: 3000 });
    const body = envelope();
    const res = await offline.inject({ method: 'POST', url: '/webhooks/webex', payload: body, headers: { 'content-type': 'application/json', 'x-spark-signature': signWebhookBody(body, SECRET) } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    await offline.close();
  });
});
