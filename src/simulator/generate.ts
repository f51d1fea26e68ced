import { ArchiverError } from '../errors.js';
import type { FixtureMeeting, FixtureMembership, FixtureMessage, FixturePerson, FixtureRoom, FixtureTeam, OrgFixture } from './fixture-types.js';
import { FILE_NAMES, FIRST_NAMES, LAST_NAMES, PHRASES, contentTypeOf, fileSize, messageText } from './generate-content.js';
import { createPrng, type Prng } from './prng.js';
import type { SeedOptions } from './types.js';

/**
 * A seeded organization in the fixture format, so it goes through the same loader as hand-written
 * fixtures. The same options always give the same fixture (no clock, no Math.random). It mixes
 * direct, group and team spaces, external participants (another domain), members joining late and
 * leaving, long threads, edits, deletions and files from 0 bytes up (over 10 MB with largeFiles),
 * and a meeting per group space with chat (one message directed, one deleted) and a transcript.
 */
const DOMAIN = 'example.com';
const EXTERNAL_DOMAIN = 'partner.example.org';
const START = Date.parse('2026-01-05T08:00:00.000Z');

const at = (ms: number) => new Date(ms).toISOString();

function makePeople(prng: Prng, n: number): FixturePerson[] {
  return Array.from({ length: n }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = prng.pick(LAST_NAMES);
    // Every seventh person is external, but never the first two (direct rooms need an internal side).
    const domain = i >= 2 && i % 7 === 3 ? EXTERNAL_DOMAIN : DOMAIN;
    return { key: `u${i + 1}`, email: `user${i + 1}@${domain}`, displayName: `${first} ${last}` };
  });
}

interface RoomPlan {
  room: FixtureRoom;
  members: FixtureMembership[];
}

function makeRooms(prng: Prng, n: number, people: FixturePerson[], teams: FixtureTeam[]): RoomPlan[] {
  return Array.from({ length: n }, (_, i) => {
    const created = START + i * 60_000;
    const direct = people.length >= 2 && i % 4 === 1;
    const key = `r${i + 1}`;
    if (direct) {
      const a = people[prng.int(0, Math.min(1, people.length - 1))]!;
      let b = prng.pick(people);
      while (b.key === a.key) b = prng.pick(people);
      return {
        room: { key, type: 'direct', title: b.displayName, team: null, created: at(created) },
        members: [a, b].map((p) => ({ room: key, person: p.key, joined: at(created), left: null })),
      };
    }
    const team = teams.length > 0 && i % 3 === 2 ? prng.pick(teams).key : null;
    const size = Math.min(people.length, prng.int(2, 8));
    const chosen = new Set<string>();
    while (chosen.size < size) chosen.add(prng.pick(people).key);
    const members: FixtureMembership[] = [...chosen].map((p) => ({ room: key, person: p, joined: at(created), left: null }));
    // Membership changes over time: someone joins a day later, someone leaves after two days.
    if (members.length >= 3 && prng.chance(0.5)) members[members.length - 1]!.joined = at(created + 86_400_000);
    if (members.length >= 3 && prng.chance(0.4)) members[1]!.left = at(created + 2 * 86_400_000);
    const title = `${prng.pick(['Rates', 'FX desk', 'Équipe', '项目', 'فريق', 'Ops'])} ${i + 1}`;
    // The whole conversation: the first member is made a moderator after an hour, and every other
    // group space is renamed (and classified) on its third day. Drawn without the PRNG, so the
    // rest of a seeded organization is what it was before these existed.
    const owner = members[0]!;
    owner.moderator = [{ at: at(created + 3_600_000), isModerator: true, by: owner.person }];
    const updates = i % 2 === 0 ? [{ at: at(created + 3 * 86_400_000), by: owner.person, title: `${title} (renamed)`, classification: i % 4 === 0 ? 'Confidential' : null }] : [];
    return { room: { key, type: 'group', title, team, created: at(created), ...(updates.length ? { updates } : {}) }, members };
  });
}

/**
 * A card message with submissions: the first message that is neither edited nor deleted nor has
 * files becomes a card (its text stays), submitted by each member there at the time (at least
 * three submissions), a minute apart. Chosen without the PRNG, so the rest of a seeded organization is what it was before.
 */
function addCards(messages: FixtureMessage[], plans: RoomPlan[]): void {
  const msg = messages.find((m) => !m.edits?.length && !m.deleted && !m.files?.length);
  if (!msg) return;
  msg.card = {
    type: 'AdaptiveCard', version: '1.3',
    body: [{ type: 'TextBlock', text: 'Approve the trade?' }, { type: 'FactSet', facts: [{ title: 'Trade', value: msg.key }] }, { type: 'Input.Text', id: 'comment', label: 'Comment' }],
    actions: [{ type: 'Action.Submit', title: 'Approve' }],
  };
  const plan = plans.find((p) => p.room.key === msg.room)!;
  const there = membersAt(plan, msg.created);
  if (there.length === 0) return;
  // At least three, so a webhook for them meets the same failure counts as the others in tests.
  msg.submissions = Array.from({ length: Math.max(3, there.length) }, (_, i) => there[i % there.length]!).map((person, i) => ({ at: at(Date.parse(msg.created) + (i + 1) * 60_000), person, inputs: { comment: `ok from ${person}`, round: i + 1 } }));
}

/**
 * One meeting per group space, held by the members there on its second day: the host's agenda,
 * a private message to the host, a message deleted a minute later, and a transcript ten minutes
 * after the meeting ends. Drawn without the PRNG, so the rest of a seeded organization is what it
 * was before meetings existed.
 */
function makeMeetings(plans: RoomPlan[]): FixtureMeeting[] {
  return plans.filter((p) => p.room.type === 'group').flatMap((plan, n) => {
    const start = Date.parse(plan.room.created) + 86_400_000 + 10 * 3_600_000;
    const people = membersAt(plan, at(start)).slice(0, 6);
    if (people.length === 0) return [];
    const host = people[0]!;
    const say = (i: number) => PHRASES[(n * 3 + i) % PHRASES.length]!;
    const messages: NonNullable<FixtureMeeting['messages']> = [{ key: 'c1', person: host, at: at(start + 5 * 60_000), text: `Agenda: ${say(0)}` }];
    if (people.length >= 2) messages.push({ key: 'c2', person: people[1]!, at: at(start + 10 * 60_000), text: say(1), to: [host] });
    const last = people[people.length - 1]!;
    messages.push({ key: 'c3', person: last, at: at(start + 20 * 60_000), text: say(2), deleted: at(start + 21 * 60_000) });
    const end = start + 3_600_000;
    return [{
      key: `mt${n + 1}`, title: `${plan.room.title} weekly`, host, start: at(start), end: at(end),
      participants: people.map((person) => ({ person })),
      messages,
      transcripts: [{ key: 'tr1', at: at(end + 10 * 60_000), lines: people.map((person, i) => ({ person, offset: 5 + i * 30, text: say(i) })) }],
    }];
  });
}

function membersAt(plan: RoomPlan, t: string): string[] {
  return plan.members.filter((m) => m.joined <= t && (m.left == null || m.left > t)).map((m) => m.person);
}

export function generateOrg(opts: SeedOptions): OrgFixture {
  for (const k of ['users', 'rooms', 'messages'] as const) {
    if (!Number.isInteger(opts[k]) || opts[k] < 0) throw new ArchiverError('BAD_INPUT', `seed.${k} must be a non-negative integer`);
  }
  if (opts.users < 2 && opts.rooms > 0) throw new ArchiverError('BAD_INPUT', 'seed.users must be at least 2 when there are rooms');
  if (opts.rooms < 1 && opts.messages > 0) throw new ArchiverError('BAD_INPUT', 'seed.rooms must be at least 1 when there are messages');
  const prng = createPrng(opts.seed);
  const people = makePeople(prng, opts.users);
  const teams: FixtureTeam[] = Array.from({ length: Math.max(1, Math.floor(opts.rooms / 5)) }, (_, i) => ({ key: `t${i + 1}`, name: `${prng.pick(['Trading', 'Compliance', 'Research', 'Ventas', '営業'])} team ${i + 1}` }));
  const plans = makeRooms(prng, opts.rooms, people, teams);
  const usedTeams = new Set(plans.map((p) => p.room.team).filter((t): t is string => Boolean(t)));

  const messages: FixtureMessage[] = [];
  const topLevel = new Map<string, string[]>();
  let clock = START + opts.rooms * 60_000;
  let fileCount = 0;
  for (let i = 0; i < opts.messages; i++) {
    clock += prng.int(1, 600) * 1000;
    const created = at(clock);
    // Skewed room choice: a few busy rooms and a long tail, like real organizations.
    const plan = plans[Math.floor(Math.pow(prng.next(), 2) * plans.length)]!;
    const senders = membersAt(plan, created);
    const person = senders.length > 0 ? prng.pick(senders) : plan.members[0]!.person;
    const roots = topLevel.get(plan.room.key) ?? [];
    // Threads are one level deep; the first root of a room collects a long thread.
    const parent = roots.length > 0 && prng.chance(0.3) ? (prng.chance(0.5) ? roots[0]! : prng.pick(roots)) : null;
    const key = `m${i + 1}`;
    if (!parent) topLevel.set(plan.room.key, [...roots, key]);
    const { text, html } = messageText(prng);
    const msg: FixtureMessage = { key, room: plan.room.key, person, created, text, html, parent, edits: [], deleted: null, files: [] };
    if (prng.chance(0.12)) {
      const n = prng.chance(0.2) ? 2 : 1;
      for (let f = 0; f < n; f++) {
        const name = FILE_NAMES[(fileCount + f) % FILE_NAMES.length]!;
        // Guarantee one large file once there are enough messages to carry it.
        const size = opts.largeFiles && fileCount === 1 ? 10 * 1024 * 1024 + 12_345 : fileSize(prng, opts.largeFiles === true);
        msg.files!.push({ name, contentType: contentTypeOf(name), base64: null, size });
      }
      fileCount += n;
    } else if (prng.chance(0.1)) {
      let t = clock;
      for (let e = prng.int(1, 3); e > 0; e--) {
        t += prng.int(5, 300) * 1000;
        const edit = messageText(prng);
        msg.edits!.push({ at: at(t), text: `${edit.text} (edited)`, html: edit.html });
      }
    }
    if (prng.chance(0.05)) {
      const last = msg.edits!.length > 0 ? Date.parse(msg.edits![msg.edits!.length - 1]!.at) : clock;
      msg.deleted = at(last + prng.int(10, 3600) * 1000);
    }
    messages.push(msg);
  }
  addCards(messages, plans);
  return {
    org: { domains: [DOMAIN] },
    people,
    teams: teams.filter((t) => usedTeams.has(t.key)),
    rooms: plans.map((p) => p.room),
    memberships: plans.flatMap((p) => p.members),
    messages,
    meetings: makeMeetings(plans),
  };
}
