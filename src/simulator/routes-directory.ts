import type { FastifyInstance } from 'fastify';
import type { SimContext } from './context.js';
import { sendError } from './http-errors.js';
import { sendList, timeKey } from './paging.js';
import { ME_KEY, iso } from './store.js';
import type { MembershipRec, PersonRec, RoomRec, TeamRec } from './store-types.js';
import { membershipJson, personJson, roomJson, teamJson } from './views.js';

/**
 * People, teams, rooms and memberships (docs/webex-api.md §1). The caller is a Compliance Officer, so
 * GET /rooms lists every room of the organization (whether the real service does is UNCONFIRMED;
 * clients should discover rooms through /events and memberships too) and GET /memberships accepts
 * personEmail/personId without roomId.
 */
export function registerDirectoryRoutes(app: FastifyInstance, ctx: SimContext): void {
  const { store } = ctx;
  const base = () => ctx.baseUrl();
  const paging = () => ctx.faults.paging;

  app.get('/v1/people', (req, reply) => {
    const q = req.query as Record<string, string>;
    let items = [...store.people.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    if (q.email) items = items.filter((p) => p.email.toLowerCase() === q.email!.toLowerCase());
    if (q.displayName) items = items.filter((p) => p.displayName.toLowerCase().startsWith(q.displayName!.toLowerCase()));
    if (q.id) {
      const ids = new Set(q.id.split(','));
      items = items.filter((p) => ids.has(p.id));
    }
    return sendList<PersonRec>(req, reply, base(), paging(), {
      path: '/people', items, keyOf: (p) => p.id, dir: 'asc', defaultMax: 100, capMax: 1000, toJson: personJson,
    });
  });

  app.get('/v1/people/me', (_req, reply) => reply.send(personJson(store.people.get(ME_KEY)!)));

  app.get('/v1/people/:id', (req, reply) => {
    const p = store.findById('person', (req.params as { id: string }).id);
    return p ? reply.send(personJson(p)) : sendError(reply, 404, 'Person not found');
  });

  app.get('/v1/teams', (req, reply) =>
    sendList<TeamRec>(req, reply, base(), paging(), {
      path: '/teams', items: [...store.teams.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), keyOf: (t) => t.id,
      dir: 'asc', defaultMax: 100, capMax: 1000, toJson: teamJson,
    }),
  );

  app.get('/v1/teams/:id', (req, reply) => {
    const t = store.findById('team', (req.params as { id: string }).id);
    return t ? reply.send(teamJson(t)) : sendError(reply, 404, 'Team not found');
  });

  app.get('/v1/rooms', (req, reply) => {
    const q = req.query as Record<string, string>;
    let items = [...store.rooms.values()];
    if (q.teamId) {
      const team = store.findById('team', q.teamId);
      if (!team) return sendError(reply, 404, 'Team not found');
      items = items.filter((r) => r.teamKey === team.key);
    }
    if (q.type) {
      if (q.type !== 'direct' && q.type !== 'group') return sendError(reply, 400, 'type must be direct or group');
      items = items.filter((r) => r.type === q.type);
    }
    // Newest first by creation; `sortBy` is accepted, and lastactivity is documented as unreliable anyway.
    items.sort((a, b) => (timeKey(a.created, a.seq) < timeKey(b.created, b.seq) ? 1 : -1));
    return sendList<RoomRec>(req, reply, base(), paging(), {
      path: '/rooms', items, keyOf: (r) => timeKey(r.created, r.seq), dir: 'desc', defaultMax: 100, capMax: 1000,
      toJson: (r) => roomJson(store, r),
    });
  });

  app.get('/v1/rooms/:id', (req, reply) => {
    const r = store.findById('room', (req.params as { id: string }).id);
    return r ? reply.send(roomJson(store, r)) : sendError(reply, 404, 'Room not found');
  });

  app.get('/v1/memberships', (req, reply) => {
    const q = req.query as Record<string, string>;
    let items = store.currentMemberships(iso(ctx.now())).sort((a, b) => (timeKey(a.joined, a.seq) < timeKey(b.joined, b.seq) ? -1 : 1));
    if (q.roomId) {
      const room = store.findById('room', q.roomId);
      if (!room) return sendError(reply, 404, 'Room not found');
      items = items.filter((m) => m.roomKey === room.key);
    }
    let person: PersonRec | undefined;
    if (q.personId) person = store.findById('person', q.personId);
    else if (q.personEmail) person = store.personByEmail(q.personEmail);
    if ((q.personId || q.personEmail) && !person) items = [];
    else if (person) items = items.filter((m) => m.personKey === person!.key);
    return sendList<MembershipRec>(req, reply, base(), paging(), {
      path: '/memberships', items, keyOf: (m) => timeKey(m.joined, m.seq), dir: 'asc', defaultMax: 100, capMax: 1000,
      // Observed: memberships?personEmail= pages can start empty and still carry next (docs/webex-api.md §2).
      emptyFirst: !q.roomId && Boolean(q.personEmail),
      toJson: (m) => membershipJson(store, m),
    });
  });

  app.get('/v1/memberships/:id', (req, reply) => {
    const id = (req.params as { id: string }).id;
    const m = store.memberships.find((x) => x.id === id);
    return m ? reply.send(membershipJson(store, m)) : sendError(reply, 404, 'Membership not found');
  });
}
