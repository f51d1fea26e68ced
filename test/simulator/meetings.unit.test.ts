import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiverError } from '../../src/errors.js';
import { checkFixture, generateOrg, startWebexSimulator, type OrgFixture, type WebexSimulator } from '../../src/simulator/index.js';
import { DERIVED_PATH, MEETINGS_DERIVED_PATH, MEETINGS_ROOTS, MEETINGS_SCHEMA_ID, SCHEMA_ID } from './derive-schemas.js';
import { api, smallOrg, startReceiver, walk } from './helpers.js';

/**
 * The simulator's Meetings API and meeting events (docs/simulator.md, "Meetings"): responses
 * checked against schemas derived from Cisco's Meetings spec (and the messaging spec for events
 * and webhooks), tightened so no field the spec does not name may appear; the fixture's
 * `meetings` checked with errors naming their path.
 */
function tightened(path: string, id: string, items: string[]): Record<string, unknown> {
  const copy = JSON.parse(readFileSync(path, 'utf8')) as { $defs: Record<string, any> };
  for (const name of items) {
    copy.$defs[name].additionalProperties = false;
    copy.$defs[name].required = [...new Set([...(copy.$defs[name].required ?? []), 'id'])];
  }
  return { ...copy, $id: `${id}-strict` };
}

const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(tightened(MEETINGS_DERIVED_PATH, MEETINGS_SCHEMA_ID, MEETINGS_ROOTS));
ajv.addSchema(tightened(DERIVED_PATH, SCHEMA_ID, ['Event']));
function expectValid(id: string, name: string, body: unknown): void {
  const validate = ajv.getSchema(`${id}-strict#/$defs/${name}`)!;
  expect(validate(body) ? [] : validate.errors).toEqual([]);
}
/** A Meetings list is `{items: [...]}` (the spec's inline response schemas). */
function expectValidList(name: string, body: any): void {
  expect(Object.keys(body)).toEqual(['items']);
  for (const item of body.items) expectValid(MEETINGS_SCHEMA_ID, name, item);
}

function meetingOrg(): OrgFixture {
  const f = smallOrg();
  const [a, b, c] = f.people.map((p) => p.key) as [string, string, string];
  f.meetings = [{
    key: 'm1', title: 'Rates review', host: a, start: '2026-01-05T10:00:00.000Z', end: '2026-01-05T11:00:00.000Z',
    participants: [{ person: a }, { person: b }, { person: c, joined: '2026-01-05T10:15:00.000Z' }],
    messages: [
      { key: 'x1', person: b, at: '2026-01-05T10:05:00.000Z', text: 'hi' },
      { key: 'x2', person: a, at: '2026-01-05T10:06:00.000Z', text: 'psst', to: [b] },
      { key: 'x3', person: c, at: '2026-01-05T10:20:00.000Z', text: 'oops', deleted: '2026-01-05T10:21:00.000Z' },
    ],
    transcripts: [
      { key: 't1', at: '2026-01-05T11:10:00.000Z', lines: [{ person: a, offset: 1, text: 'Welcome' }, { person: b, offset: 4.25, text: 'Thanks' }] },
      { key: 'gone', at: '2026-01-05T11:20:00.000Z', lines: [{ person: a, offset: 1, text: 'x' }], status: 'deleted' },
    ],
  }];
  return f;
}

let sim: WebexSimulator;
beforeAll(async () => { sim = await startWebexSimulator({ fixture: meetingOrg() }); });
afterAll(() => sim.close());

describe('the simulator serves meetings like the Meetings API', () => {
  it('the strict schemas reject an unknown field, so the checks below can fail', () => {
    const validate = ajv.getSchema(`${MEETINGS_SCHEMA_ID}-strict#/$defs/Participant`)!;
    expect(validate({ id: 'p', email: 'a@example.com', colour: 'red' })).toBe(false);
  });

  it('GET /meetings/{id}, /meetingParticipants (every page) and /meetingTranscripts validate against the spec', async () => {
    const meetingId = sim.ids.meeting('m1');
    expect(meetingId).toMatch(/^[0-9a-f]{32}_20260105T100000Z$/);
    const meeting = await api(sim, `/meetings/${meetingId}`);
    expect(meeting.body).toMatchObject({ id: meetingId, title: 'Rates review', start: '2026-01-05T10:00:00.000Z', hostEmail: smallOrg().people[0]!.email });
    expectValid(MEETINGS_SCHEMA_ID, 'MeetingSeriesObject', meeting.body);
    const pages = await walk(sim, `/meetingParticipants?meetingId=${meetingId}&max=2`);
    expect(pages).toHaveLength(2);
    for (const p of pages) expectValidList('Participant', p.body);
    expect(pages.flatMap((p) => p.body.items).map((p: any) => [p.email, p.host, p.joinedTime])).toEqual(
      smallOrg().people.slice(0, 3).map((p, i) => [p.email, i === 0, i === 2 ? '2026-01-05T10:15:00.000Z' : '2026-01-05T10:00:00.000Z']),
    );
    const transcripts = await api(sim, `/meetingTranscripts?meetingId=${meetingId}`);
    expectValidList('TranscriptObject', transcripts.body);
    expect(transcripts.body.items.map((t: any) => t.status).sort()).toEqual(['available', 'deleted']);
    expect((await api(sim, '/meetingParticipants')).status).toBe(400);
    expect((await api(sim, '/meetings/nope')).status).toBe(404);
  });

  it('a transcript downloads as vtt and txt; a deleted one is gone', async () => {
    const vtt = await api(sim, `/meetingTranscripts/${sim.ids.transcript('m1', 't1')}/download?format=vtt`);
    expect(vtt.headers.get('content-type')).toBe('text/vtt');
    expect(vtt.body).toBe(`WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.250\n<v ${smallOrg().people[0]!.displayName}>Welcome\n\n2\n00:00:04.250 --> 00:00:09.250\n<v ${smallOrg().people[1]!.displayName}>Thanks\n`);
    const txt = await api(sim, `/meetingTranscripts/${sim.ids.transcript('m1', 't1')}/download?format=txt`);
    expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(txt.body).toContain(`${smallOrg().people[1]!.displayName} 00:00:04\nThanks\n`);
    expect((await api(sim, `/meetingTranscripts/${sim.ids.transcript('m1', 'gone')}/download`)).status).toBe(404);
    expect((await api(sim, `/meetingTranscripts/${sim.ids.transcript('m1', 't1')}/download?format=pdf`)).status).toBe(400);
  });

  it('meeting chat and transcripts are compliance events; a directed message names its recipients, a deletion leaves out the text', async () => {
    const items = (await walk(sim, '/events?max=1000')).flatMap((p) => p.body.items);
    for (const e of items) expectValid(SCHEMA_ID, 'Event', e);
    const chat = items.filter((e: any) => e.resource === 'meetingMessages');
    expect(chat.map((e: any) => e.type).sort()).toEqual(['created', 'created', 'created', 'deleted']);
    const directed = chat.find((e: any) => e.data.id === sim.ids.meetingMessage('m1', 'x2'));
    expect(directed.data).toMatchObject({ meetingId: sim.ids.meeting('m1'), text: 'psst', recipients: [{ personId: sim.ids.person(smallOrg().people[1]!.key), personEmail: smallOrg().people[1]!.email }] });
    const deletion = chat.find((e: any) => e.type === 'deleted');
    expect(deletion.data.id).toBe(sim.ids.meetingMessage('m1', 'x3'));
    expect(deletion.data.text).toBeUndefined();
    // A deleted transcript was available once: both have their created event (newest first).
    expect(items.filter((e: any) => e.resource === 'meetingTranscripts').map((e: any) => e.data)).toEqual([
      { id: sim.ids.transcript('m1', 'gone'), meetingId: sim.ids.meeting('m1'), created: '2026-01-05T11:20:00.000Z' },
      { id: sim.ids.transcript('m1', 't1'), meetingId: sim.ids.meeting('m1'), created: '2026-01-05T11:10:00.000Z' },
    ]);
  });

  it('a meetingTranscripts webhook is delivered on a live play', async () => {
    const target = await startReceiver();
    try {
      expect((await api(sim, '/webhooks', { method: 'POST', body: JSON.stringify({ name: 't', targetUrl: target.url, resource: 'meetingTranscripts', event: 'created', ownedBy: 'org' }) })).status).toBe(200);
      expect(await sim.playLive({ memberships: false })).toMatchObject({ transcripts: 1 });
      const bodies = target.received.map((r) => JSON.parse(r.raw.toString('utf8')));
      expect(bodies.map((b) => [b.resource, b.event, b.data.id])).toEqual([['meetingTranscripts', 'created', sim.ids.transcript('m1', 't1')]]);
    } finally {
      await target.close();
    }
  });
});

describe('the fixture\'s meetings', () => {
  function expectError(mutate: (m: any) => void, message: RegExp): void {
    const f: any = meetingOrg();
    mutate(f.meetings[0]);
    let caught: unknown;
    try { checkFixture(f); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as Error).message).toMatch(message);
  }

  it('are checked, each error naming its path', () => {
    expect(() => checkFixture(meetingOrg())).not.toThrow();
    expectError((m) => (m.agenda = 'x'), /meetings\[0\]\.agenda: unknown key "agenda"/);
    expectError((m) => (m.messages[1].cc = []), /meetings\[0\]\.messages\[1\]\.cc: unknown key/);
    expectError((m) => (m.transcripts[0].lines[1].offset = -1), /meetings\[0\]\.transcripts\[0\]\.lines\[1\]\.offset: must be a number of seconds/);
    expectError((m) => (m.messages[1].to = ['nobody']), /meetings\[0\]\.messages\[1\]\.to\[0\]: "nobody" is not a participant/);
    expectError((m) => (m.participants = m.participants.slice(1)), /meetings\[0\]\.participants: must include the host/);
    expectError((m) => (m.transcripts[0].at = '2026-01-05T10:30:00.000Z'), /meetings\[0\]\.transcripts\[0\]\.at: a transcript is available only after the meeting ended/);
    expectError((m) => (m.messages[2].deleted = '2026-01-05T10:00:00.000Z'), /meetings\[0\]\.messages\[2\]\.deleted: is before the message/);
  });

  it('the generator holds a meeting per group space, with chat (one directed, one deleted) and a transcript', () => {
    const org = generateOrg({ seed: 3, users: 6, rooms: 4, messages: 10 });
    expect(() => checkFixture(org)).not.toThrow();
    expect(org.meetings!.length).toBe(org.rooms.filter((r) => r.type === 'group').length);
    for (const m of org.meetings!) {
      expect(m.transcripts).toHaveLength(1);
      expect(m.messages!.some((x) => x.deleted)).toBe(true);
    }
    expect(org.meetings!.some((m) => m.messages!.some((x) => x.to?.length))).toBe(true);
  });
});
