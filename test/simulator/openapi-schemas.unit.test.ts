import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebexSimulator, type WebexSimulator } from '../../src/simulator/index.js';
import { DERIVED_PATH, KEEP, ROOTS, SCHEMA_ID, deriveSchemas } from './derive-schemas.js';
import { api, smallOrg, startReceiver, startSmall, walk } from './helpers.js';

/**
 * Every response shape is checked against schemas derived from Cisco's OpenAPI spec, tightened so
 * that the simulator may not emit a field the spec does not name (apart from the few that real
 * payloads are documented to carry) and must always send `id`.
 *
 * The schemas are the committed fixture, so every test here runs on a clean clone; the spec is
 * not in the repository. Whether the fixture still matches the spec is the script's job:
 * `npm run derive-schemas -- --check` (docs/simulator.md, "Tests").
 */
const derived = JSON.parse(readFileSync(DERIVED_PATH, 'utf8')) as { $defs: Record<string, Record<string, unknown>> };

/** Fields real payloads carry beyond the spec's schema (docs/webex-api.md, Webhooks). */
const EXTRA_FIELDS: Record<string, string[]> = { Webhook: ['orgId', 'createdBy', 'appId'] };
const ITEM_SCHEMAS = ['ListMessage', 'Room', 'Membership', 'Person', 'Team', 'Webhook', 'Event'];

function tightened(): Record<string, unknown> {
  const copy = structuredClone(derived) as { $defs: Record<string, any> };
  for (const name of ITEM_SCHEMAS) {
    const s = copy.$defs[name];
    for (const extra of EXTRA_FIELDS[name] ?? []) s.properties[extra] = { type: 'string' };
    s.additionalProperties = false;
    s.required = [...new Set([...(s.required ?? []), 'id'])];
  }
  // The firehose `resource:"all"`, `event:"all"` is documented in the Webhooks guide but missing
  // from the spec's enums (docs/webex-api.md §1, Webhooks).
  copy.$defs.Webhook.properties.resource.enum.push('all');
  copy.$defs.Webhook.properties.event.enum.push('all');
  // A message's `attachments` carry Adaptive Cards, `{contentType, content}` (developer.webex.com,
  // Buttons and Cards guide); the spec's Attachment schema describes ECM files only (webex-api.md,
  // Messages). Either shape validates; a card must say it is one.
  copy.$defs.Attachment = {
    anyOf: [copy.$defs.Attachment, {
      type: 'object', additionalProperties: false, required: ['contentType', 'content'],
      properties: { contentType: { enum: ['application/vnd.microsoft.card.adaptive'] }, content: { type: 'object', required: ['type'], properties: { type: { enum: ['AdaptiveCard'] } } } },
    }],
  };
  return { ...copy, $id: `${SCHEMA_ID}-strict` };
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(tightened());
function schema(name: string): ValidateFunction {
  return ajv.getSchema(`${SCHEMA_ID}-strict#/$defs/${name}`)!;
}
function expectValid(name: string, body: unknown): void {
  const validate = schema(name);
  const ok = validate(body);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const ERROR_SCHEMA = {
  type: 'object', additionalProperties: false, required: ['message', 'errors', 'trackingId'],
  properties: {
    message: { type: 'string' }, trackingId: { type: 'string' },
    errors: { type: 'array', minItems: 1, items: { type: 'object', required: ['description'], properties: { description: { type: 'string' } } } },
  },
};

let sim: WebexSimulator;
beforeAll(async () => {
  sim = await startSmall();
});
afterAll(() => sim.close());

/** Every `$ref` in a schema tree. */
function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push(String(v));
      else if (k === 'properties') Object.values(v as object).forEach((p) => refsIn(p, out));
      else refsIn(v, out);
    }
  }
  return out;
}

/** Every schema keyword used (property names excluded). */
function keywordsIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => keywordsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      if (k === 'properties') Object.values(v as object).forEach((p) => keywordsIn(p, out));
      else if (k !== 'enum' && k !== 'required') keywordsIn(v, out);
    }
  }
  return out;
}

describe('derived schemas', () => {
  it('the committed fixture holds every schema the simulator serves, self-contained and structure only', () => {
    expect(derived).toMatchObject({ $id: SCHEMA_ID });
    for (const name of ROOTS) expect(derived.$defs[name], name).toBeDefined();
    const dangling = refsIn(derived.$defs).filter((r) => !(r.replace('#/$defs/', '') in derived.$defs));
    expect(dangling).toEqual([]);
    // No prose (description, example, x-*) made it in: only structural keywords.
    expect([...keywordsIn(Object.values(derived.$defs))].filter((k) => !KEEP.has(k))).toEqual([]);
  });

  it('deriveSchemas keeps structure, drops prose and follows $refs (what the fixture is made with)', () => {
    const schemas: Record<string, unknown> = Object.fromEntries(ROOTS.map((name) => [name, { type: 'object', description: `${name} prose`, properties: { id: { type: 'string', example: 'x' } }, required: ['id'] }]));
    schemas.Room = {
      type: 'object', description: 'A room.', 'x-internal': true,
      properties: { id: { type: 'string' }, type: { $ref: '#/components/schemas/RoomType' }, description: { type: 'string', description: 'a property called description' } },
    };
    schemas.RoomType = { type: 'string', enum: ['direct', 'group'], description: 'prose' };
    schemas.Unused = { type: 'string' };
    const out = deriveSchemas({ components: { schemas } }) as { $id: string; $defs: Record<string, unknown> };
    expect(out.$id).toBe(SCHEMA_ID);
    expect(Object.keys(out.$defs)).toEqual([...ROOTS, 'RoomType'].sort((a, b) => a.localeCompare(b)));
    expect(out.$defs.Room).toEqual({ type: 'object', properties: { id: { type: 'string' }, type: { $ref: '#/$defs/RoomType' }, description: { type: 'string' } } });
    expect(out.$defs.RoomType).toEqual({ type: 'string', enum: ['direct', 'group'] });
    expect(out.$defs.Person).toEqual({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
    expect(() => deriveSchemas({ components: { schemas: {} } })).toThrow(/no component schema ListMessage/);
  });

  it('reject an unknown field, so the checks below can fail', () => {
    expect(schema('Room')({ id: 'x', title: 't', type: 'group', colour: 'red' })).toBe(false);
    expect(schema('ListMessage')({ id: 'x', roomType: 'channel' })).toBe(false);
  });
});

describe('responses validate against the OpenAPI schemas', () => {
  const lists: [string, string | (() => string)][] = [
    ['RoomCollectionResponse', '/rooms?max=2'],
    ['TeamCollectionResponse', '/teams?max=1'],
    ['PersonCollectionResponse', '/people?max=2'],
    ['MembershipCollectionResponse', '/memberships?max=3'],
    ['EventCollectionResponse', '/events?max=4'],
    ['ListMessageCollectionResponse', () => `/messages?roomId=${sim.ids.room('r1')}&max=2`],
  ];
  for (const [name, path] of lists) {
    it(`${name}: every page`, async () => {
      const pages = await walk(sim, typeof path === 'string' ? path : path());
      expect(pages.length).toBeGreaterThan(1);
      for (const p of pages) expectValid(name, p.body);
    });
  }

  it('single resources', async () => {
    expectValid('ListMessage', (await api(sim, `/messages/${sim.ids.message('m2')}`)).body);
    expectValid('Room', (await api(sim, `/rooms/${sim.ids.room('r1')}`)).body);
    expectValid('Person', (await api(sim, '/people/me')).body);
    expectValid('Person', (await api(sim, `/people/${sim.ids.person('carol')}`)).body);
    expectValid('Team', (await api(sim, `/teams/${sim.ids.team('desk')}`)).body);
  });

  it('webhooks: create, get and list', async () => {
    const target = await startReceiver();
    try {
      const created = await api(sim, '/webhooks', { method: 'POST', body: JSON.stringify({ name: 'w', targetUrl: target.url, resource: 'messages', event: 'all', secret: 's3cret' }) });
      expect(created.status).toBe(200);
      expectValid('Webhook', created.body);
      expectValid('Webhook', (await api(sim, `/webhooks/${created.body.id}`)).body);
      expectValid('WebhookCollectionResponse', (await api(sim, '/webhooks')).body);
    } finally {
      await target.close();
    }
  });

  it('events with message and membership data, including a deletion and an edit', async () => {
    const pages = await walk(sim, '/events?max=1000');
    const items = pages.flatMap((p) => p.body.items);
    expect(new Set(items.map((e: any) => `${e.resource}/${e.type}`))).toEqual(new Set(['messages/created', 'messages/updated', 'messages/deleted', 'memberships/created', 'memberships/deleted']));
    expectValid('EventCollectionResponse', { items });
  });

  it('room updates, moderator changes and cards: rooms/updated and memberships/updated events, webhooks, and the resources after them', async () => {
    const f: any = smallOrg();
    f.rooms[0].updates = [{ at: '2026-01-05T09:30:00.000Z', by: f.people[0].key, title: 'Renamed', classification: 'Confidential' }];
    f.memberships[0].moderator = [{ at: '2026-01-05T09:40:00.000Z', isModerator: true, by: f.people[0].key }];
    f.messages[0].card = { type: 'AdaptiveCard', version: '1.3', body: [{ type: 'TextBlock', text: 'card' }] };
    const s2 = await startWebexSimulator({ fixture: f });
    // A card is a message attachment (contentType + content), which the spec's ListMessage allows.
    const carded = (await api(s2, `/messages/${s2.ids.message(f.messages[0].key)}`)).body;
    expect(carded.attachments).toEqual([{ contentType: 'application/vnd.microsoft.card.adaptive', content: f.messages[0].card }]);
    expectValid('ListMessage', carded);
    const target = await startReceiver();
    try {
      const items = (await walk(s2, '/events?max=1000')).flatMap((p) => p.body.items);
      const updates = items.filter((e: any) => e.type === 'updated' && e.resource !== 'messages');
      expect(updates.map((e: any) => `${e.resource}/${e.type}`).sort()).toEqual(['memberships/updated', 'rooms/updated']);
      expect(updates.find((e: any) => e.resource === 'rooms').data).toMatchObject({ title: 'Renamed', classificationId: expect.any(String) });
      expect(updates.find((e: any) => e.resource === 'memberships').data.isModerator).toBe(true);
      expectValid('EventCollectionResponse', { items });
      expectValid('Room', (await api(s2, `/rooms/${s2.ids.room(f.rooms[0].key)}`)).body);
      expectValid('MembershipCollectionResponse', (await api(s2, `/memberships?roomId=${s2.ids.room(f.rooms[0].key)}`)).body);
      for (const resource of ['rooms', 'memberships']) {
        await api(s2, '/webhooks', { method: 'POST', body: JSON.stringify({ name: resource, targetUrl: target.url, resource, event: 'updated' }) });
      }
      const played = await s2.playLive({ memberships: true, rooms: true, messages: [] });
      expect(played.conversationChanges).toBe(2);
      const bodies = target.received.map((r) => JSON.parse(r.raw.toString('utf8')));
      expect(bodies.map((b) => `${b.resource}/${b.event}`).sort()).toEqual(['memberships/updated', 'rooms/updated']);
      expectValid('Room', bodies.find((b) => b.resource === 'rooms').data);
      expectValid('Membership', bodies.find((b) => b.resource === 'memberships').data);
    } finally {
      await target.close();
      await s2.close();
    }
  });

  it('errors have the documented body', async () => {
    const validate = ajv.compile(ERROR_SCHEMA);
    const answers = [
      await api(sim, '/messages/bm90LWFuLWlk'),
      await api(sim, '/messages'),
      await api(sim, `/messages?roomId=${sim.ids.room('r1')}&max=null`),
      await api(sim, '/rooms', { headers: { authorization: '' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 400, 400, 401]);
    for (const a of answers) expect(validate(a.body) ? [] : validate.errors).toEqual([]);
  });
});
