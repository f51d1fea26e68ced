import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { sendError } from './http-errors.js';
import { sendList, timeKey } from './paging.js';
import type { EventRec } from './store-types.js';
import { eventJson } from './views.js';

/**
 * The compliance Events API (docs/webex-api.md §1, Events): `resource`, `type`, `actorId`, `from`
 * (events after this time), `to` (not in the future), `max` 1–1000 (default 100), Link pagination.
 * Newest first, like the other Webex lists; clients should not rely on the order.
 */
export function registerEventRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;

  app.get('/v1/events', (req, reply) => {
    const q = req.query as Record<string, string>;
    const from = q.from ? Date.parse(q.from) : undefined;
    const to = q.to ? Date.parse(q.to) : undefined;
    if (Number.isNaN(from) || Number.isNaN(to)) return sendError(reply, 400, 'from and to must be ISO-8601 times');
    if (to !== undefined && to > ctx.now() + 1000) return sendError(reply, 400, 'to must not be in the future');
    let actorKey: string | undefined;
    if (q.actorId) {
      const actor = store.findById('person', q.actorId);
      if (!actor) return sendError(reply, 404, 'actorId not found');
      actorKey = actor.key;
    }
    // Event times are normalised ISO strings, so string comparison orders them without parsing.
    const fromIso = from === undefined ? undefined : new Date(from).toISOString();
    const toIso = to === undefined ? undefined : new Date(to).toISOString();
    const all = store.sortedEvents();
    const items: EventRec[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i]!;
      if (q.resource && e.resource !== q.resource) continue;
      if (q.type && e.type !== q.type) continue;
      if (actorKey && e.actorKey !== actorKey) continue;
      if (fromIso !== undefined && e.created < fromIso) continue;
      if (toIso !== undefined && e.created >= toIso) continue;
      items.push(e);
    }
    return sendList<EventRec>(req, reply, ctx.baseUrl(), ctx.faults.paging, {
      path: '/events', items, keyOf: (e) => timeKey(e.created, e.seq), dir: 'desc', defaultMax: 100, capMax: 1000,
      toJson: (e) => eventJson(store, ctx.baseUrl(), e),
    });
  });

  app.get('/v1/events/:id', (req, reply) => {
    const id = (req.params as { id: string }).id;
    const e = store.events.find((x) => x.id === id);
    return e ? reply.send(eventJson(store, ctx.baseUrl(), e)) : sendError(reply, 404, 'Event not found');
  });
}
