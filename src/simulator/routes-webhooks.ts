import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { sendError } from './http-errors.js';
import { encodeId, uuidFor } from './ids.js';
import { sendList } from './paging.js';
import { iso } from './store.js';
import type { WebhookRec } from './store-types.js';
import { webhookJson } from './views.js';

/**
 * Webhook management (docs/webex-api.md §1, Webhooks): POST needs name, targetUrl, resource, event;
 * PUT needs name and targetUrl and can only *re*-activate (`status:"active"`), never deactivate.
 */
const RESOURCES = new Set(['all', 'messages', 'memberships', 'rooms', 'attachmentActions', 'meetingTranscripts']);
const EVENTS = new Set(['all', 'created', 'updated', 'deleted', 'migrated']);

interface WebhookBody {
  name?: unknown;
  targetUrl?: unknown;
  resource?: unknown;
  event?: unknown;
  filter?: unknown;
  secret?: unknown;
  ownedBy?: unknown;
  status?: unknown;
}

function isUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function registerWebhookRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;

  app.post('/v1/webhooks', (req, reply) => {
    const b = (req.body ?? {}) as WebhookBody;
    if (typeof b.name !== 'string' || b.name === '') return sendError(reply, 400, 'name is required');
    if (!isUrl(b.targetUrl)) return sendError(reply, 400, 'targetUrl must be an http(s) URL');
    if (typeof b.resource !== 'string' || !RESOURCES.has(b.resource)) return sendError(reply, 400, `Invalid resource: ${String(b.resource)}`);
    if (typeof b.event !== 'string' || !EVENTS.has(b.event)) return sendError(reply, 400, `Invalid event: ${String(b.event)}`);
    if (b.filter !== undefined && typeof b.filter !== 'string') return sendError(reply, 400, 'filter must be a string');
    if (b.secret !== undefined && typeof b.secret !== 'string') return sendError(reply, 400, 'secret must be a string');
    const uuid = uuidFor(`webhook:${store.nextName('webhook')}`);
    const w: WebhookRec = {
      id: encodeId('WEBHOOK', uuid), name: b.name, targetUrl: b.targetUrl, resource: b.resource, event: b.event,
      filter: b.filter as string | undefined, secret: (b.secret as string | undefined) ?? ctx.webhookSecretDefault,
      status: 'active', created: iso(ctx.now()), ownedBy: b.ownedBy === 'org' ? 'org' : 'creator',
      seq: store.webhooks.size, failures: [], reactivatedAt: undefined,
    };
    store.webhooks.set(w.id, w);
    return reply.send(webhookJson(store, w));
  });

  app.get('/v1/webhooks', (req, reply) => {
    const q = req.query as Record<string, string>;
    let items = [...store.webhooks.values()];
    if (q.ownedBy) items = items.filter((w) => w.ownedBy === q.ownedBy);
    return sendList<WebhookRec>(req, reply, ctx.baseUrl(), ctx.faults.paging, {
      path: '/webhooks', items, keyOf: (w) => String(w.seq).padStart(10, '0'), dir: 'asc', defaultMax: 100, capMax: 1000,
      toJson: (w) => webhookJson(store, w),
    });
  });

  app.get('/v1/webhooks/:id', (req, reply) => {
    const w = store.webhooks.get((req.params as { id: string }).id);
    return w ? reply.send(webhookJson(store, w)) : sendError(reply, 404, 'Webhook not found');
  });

  app.put('/v1/webhooks/:id', (req, reply) => {
    const w = store.webhooks.get((req.params as { id: string }).id);
    if (!w) return sendError(reply, 404, 'Webhook not found');
    const b = (req.body ?? {}) as WebhookBody;
    if (typeof b.name !== 'string' || b.name === '') return sendError(reply, 400, 'name is required');
    if (!isUrl(b.targetUrl)) return sendError(reply, 400, 'targetUrl must be an http(s) URL');
    if (b.status !== undefined && b.status !== 'active') return sendError(reply, 400, 'status can only be set to active');
    w.name = b.name;
    w.targetUrl = b.targetUrl;
    if (typeof b.secret === 'string') w.secret = b.secret;
    if (b.status === 'active' && w.status === 'inactive') {
      w.status = 'active';
      w.failures = [];
      // Re-enabled within 5 minutes: one more failure disables it again (docs/webex-api.md §4).
      w.reactivatedAt = ctx.now();
    }
    return reply.send(webhookJson(store, w));
  });

  app.delete('/v1/webhooks/:id', (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!store.webhooks.delete(id)) return sendError(reply, 404, 'Webhook not found');
    return reply.code(204).send();
  });
}
