import { createHash } from 'node:crypto';
import { ArchiverError } from '../errors.js';
import type { WebhookDelivery } from '../kafka/records.js';

/**
 * Turns a verified webhook body into the record we keep. Pure. The envelope fields follow the
 * Webex webhooks guide (id, name, resource, event, orgId, actorId, data); message payloads carry
 * metadata only (no text), so hydrate fetches the message later.
 */
export function toWebhookDelivery(rawBody: Buffer, receivedAt: Date): WebhookDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new ArchiverError('BAD_INPUT', 'body is not valid JSON');
  }
  if (!isObject(parsed)) throw new ArchiverError('BAD_INPUT', 'body is not a JSON object');
  const { id, resource, event, orgId, actorId, data } = parsed;
  if (typeof id !== 'string' || !id) throw new ArchiverError('BAD_INPUT', 'envelope has no webhook id');
  if (typeof resource !== 'string' || !resource) throw new ArchiverError('BAD_INPUT', 'envelope has no resource');
  if (typeof event !== 'string' || !event) throw new ArchiverError('BAD_INPUT', 'envelope has no event');
  if (!isObject(data)) throw new ArchiverError('BAD_INPUT', 'envelope has no data object');
  return {
    deliveryId: createHash('sha256').update(rawBody).digest('hex'),
    receivedAt: receivedAt.toISOString(),
    webhookId: id,
    resource,
    event,
    orgId: typeof orgId === 'string' ? orgId : null,
    actorId: typeof actorId === 'string' ? actorId : null,
    dataId: typeof data.id === 'string' ? data.id : null,
    roomId: typeof data.roomId === 'string' ? data.roomId : null,
    body: rawBody.toString('utf8'),
    dataFields: stringFields(data),
  };
}

/** What hydrate reads of `data` is strings (deleted-stub.ts, membership-change.ts); the rest stays in `body`. */
function stringFields(data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = v;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
