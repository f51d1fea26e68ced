import { describe, expect, it } from 'vitest';
import { toWebhookDelivery } from '../../src/capture/webhook-envelope.js';

describe('toWebhookDelivery', () => {
  const body = Buffer.from(JSON.stringify({ id: 'WH1', name: 'all', resource: 'messages', event: 'created', orgId: 'ORG', actorId: 'P1', data: { id: 'M1', roomId: 'R1' } }));
  it('keeps the raw body and the envelope ids', () => {
    const d = toWebhookDelivery(body, new Date('2026-01-01T00:00:00Z'));
    expect(d).toMatchObject({ webhookId: 'WH1', resource: 'messages', event: 'created', dataId: 'M1', roomId: 'R1', orgId: 'ORG', body: body.toString() });
    expect(d.deliveryId).toMatch(/^[0-9a-f]{64}$/);
  });
  it.each([
    ['{not json', 'not valid JSON'],
    ['[1,2]', 'not a JSON object'],
    ['{"resource":"messages","event":"created","data":{}}', 'no webhook id'],
    ['{"id":"W","resource":"messages","event":"created"}', 'no data object'],
  ])('rejects %s', (text, message) => {
    expect(() => toWebhookDelivery(Buffer.from(text), new Date())).toThrow(message);
  });
});
