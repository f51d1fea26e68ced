import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiverError } from '../../src/errors.js';
import { checkFixture, generateOrg, startWebexSimulator } from '../../src/simulator/index.js';
import { smallOrg } from './helpers.js';

function expectFixtureError(mutate: (f: any) => void, message: RegExp): void {
  const f: any = smallOrg();
  mutate(f);
  let caught: unknown;
  try {
    checkFixture(f);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ArchiverError);
  expect((caught as ArchiverError).code).toBe('BAD_INPUT');
  expect((caught as Error).message).toMatch(message);
}

describe('fixture checks', () => {
  it('accepts the sample fixture', () => {
    expect(() => checkFixture(smallOrg())).not.toThrow();
  });

  it('an unknown key is an error that names its path', () => {
    expectFixtureError((f) => (f.messages[1].files[0].sise = 3), /messages\[1\]\.files\[0\]\.sise: unknown key "sise"/);
    expectFixtureError((f) => (f.rooms[0].topic = 'x'), /rooms\[0\]\.topic: unknown key/);
    expectFixtureError((f) => (f.extra = 1), /extra: unknown key/);
  });

  it('references must exist', () => {
    expectFixtureError((f) => (f.messages[0].room = 'nope'), /messages\[0\]\.room: no room with key "nope"/);
    expectFixtureError((f) => (f.memberships[0].person = 'zed'), /memberships\[0\]\.person: no person with key "zed"/);
    expectFixtureError((f) => (f.rooms[0].team = 'ghost'), /rooms\[0\]\.team: no team/);
    expectFixtureError((f) => (f.messages[1].parent = 'm9'), /messages\[1\]\.parent: no earlier message/);
  });

  it('values are checked: times, exactly one of base64 or size, edit order, duplicates', () => {
    expectFixtureError((f) => (f.rooms[0].created = 'yesterday'), /rooms\[0\]\.created: must be an ISO-8601 time/);
    expectFixtureError((f) => (f.messages[1].files[0].size = 5), /messages\[1\]\.files\[0\]: give exactly one of base64 or size/);
    expectFixtureError((f) => (f.messages[0].edits[0].at = '2026-01-05T08:00:00.000Z'), /edits\[0\]\.at: edits must be in time order/);
    expectFixtureError((f) => (f.people[1].key = 'alice'), /people\[1\]\.key: duplicate key "alice"/);
  });

  it('room updates and moderator changes are checked like the rest', () => {
    const ok = (f: any) => {
      f.rooms[0].updates = [{ at: '2026-01-05T09:30:00.000Z', by: f.people[0].key, title: 'Renamed', classification: 'Confidential' }];
      f.memberships[0].moderator = [{ at: '2026-01-05T09:40:00.000Z', isModerator: true, by: f.people[0].key }];
    };
    const f: any = smallOrg();
    ok(f);
    expect(() => checkFixture(f)).not.toThrow();
    expectFixtureError((x) => { ok(x); x.rooms[0].updates[0].titel = 'x'; }, /rooms\[0\]\.updates\[0\]\.titel: unknown key "titel" \(allowed: at, by, title, classification\)/);
    expectFixtureError((x) => { ok(x); x.rooms[0].updates[0].by = 'zed'; }, /rooms\[0\]\.updates\[0\]\.by: no person with key "zed"/);
    expectFixtureError((x) => { ok(x); x.rooms[0].updates[0] = { at: '2026-01-05T09:30:00.000Z', by: x.people[0].key }; }, /rooms\[0\]\.updates\[0\]: give a title, a classification or both/);
    expectFixtureError((x) => { ok(x); x.memberships[0].moderator[0].isModerator = 'yes'; }, /memberships\[0\]\.moderator\[0\]\.isModerator: must be true or false/);
    expectFixtureError((x) => { ok(x); x.memberships[0].moderator[0].at = '2020-01-01T00:00:00.000Z'; }, /memberships\[0\]\.moderator\[0\]\.at: changes must be in time order/);
    expectFixtureError((x) => { x.messages[0].card = { body: [] }; }, /messages\[0\]\.card: must be an Adaptive Card object/);
    expectFixtureError((x) => { x.messages[0].submissions = [{ at: '2026-01-05T09:30:00.000Z', person: x.people[0].key, inputs: {} }]; }, /messages\[0\]\.submissions: only a message with a card can be submitted/);
    expectFixtureError((x) => { x.messages[0].card = { type: 'AdaptiveCard' }; x.messages[0].submissions = [{ at: '2026-01-05T09:30:00.000Z', person: 'zed', inputs: {} }]; }, /messages\[0\]\.submissions\[0\]\.person: no person with key "zed"/);
    expectFixtureError((x) => { x.messages[0].card = { type: 'AdaptiveCard' }; x.messages[0].submissions = [{ at: '2026-01-05T09:30:00.000Z', person: x.people[0].key, inputs: 'ok' }]; }, /messages\[0\]\.submissions\[0\]\.inputs: must be an object/);
  });

  it('a fixture file that fails names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-fixture-'));
    const path = join(dir, 'bad.json');
    const f: any = smallOrg();
    f.people[0].nick = 'al';
    writeFileSync(path, JSON.stringify(f));
    await expect(startWebexSimulator({ fixturePath: path })).rejects.toThrow(new RegExp(`${path}.*people\\[0\\]\\.nick`));
  });
});

describe('seeded generator', () => {
  const opts = { seed: 11, users: 12, rooms: 10, messages: 400, largeFiles: true };

  it('is deterministic for a seed and differs for another seed', async () => {
    expect(generateOrg(opts)).toEqual(generateOrg(opts));
    expect(generateOrg({ ...opts, seed: 12 })).not.toEqual(generateOrg(opts));
    const [a, b] = await Promise.all([startWebexSimulator({ seed: opts }), startWebexSimulator({ seed: opts })]);
    try {
      const strip = (s: typeof a) => s.expected().map((v) => ({ ...v, files: v.files.map((f) => ({ ...f, url: undefined })) }));
      expect(strip(a)).toEqual(strip(b));
      expect(a.ids.message('m7')).toBe(b.ids.message('m7'));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('covers what archivers get wrong', () => {
    const org = generateOrg(opts);
    expect(checkFixture(org)).toBe(org);
    const texts = org.messages.map((m) => m.text).join('\n');
    const files = org.messages.flatMap((m) => m.files ?? []);
    expect(texts).toMatch(/[\u0590-\u06ff]/); // right-to-left scripts
    expect(texts).toMatch(/\p{Extended_Pictographic}/u);
    expect(new Set(org.rooms.map((r) => (r.type === 'direct' ? 'direct' : r.team ? 'team' : 'group')))).toEqual(new Set(['direct', 'group', 'team']));
    expect(org.people.some((p) => !p.email.endsWith('@example.com'))).toBe(true);
    expect(org.memberships.some((m) => m.left)).toBe(true);
    expect(org.messages.some((m) => (m.edits ?? []).length > 0)).toBe(true);
    expect(org.messages.some((m) => m.deleted)).toBe(true);
    const replies = new Map<string, number>();
    for (const m of org.messages) if (m.parent) replies.set(m.parent, (replies.get(m.parent) ?? 0) + 1);
    expect(Math.max(...replies.values())).toBeGreaterThanOrEqual(10);
    expect(files.some((f) => f.size === 0)).toBe(true);
    expect(files.some((f) => (f.size ?? 0) > 10 * 1024 * 1024)).toBe(true);
    expect(files.some((f) => /[^\x20-\x7e]/.test(f.name))).toBe(true);
  });
});
