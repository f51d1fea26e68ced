import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import type { ArchiverService } from '../../src/service/service.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { createRuntime } from '../../src/runtime.js';
import { startWebexSimulator, type OrgFixture } from '../../src/simulator/index.js';
import { crawlFrom, dayAgo, peopleOf, readOutcomes, startArchive } from '../support/archive-service.js';
import { drained, readRawItems, testCrawlerDeps } from '../support/capture.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';

const SECRET = 'conversation-changes-secret';
const HOUR = 3600_000;

/** Alice renames the space and makes Bob a moderator; Carol is in the room only for the rename. */
function org(id: string): { fixture: OrgFixture; day: number } {
  const { day, at } = dayAgo(2);
  return {
    day,
    fixture: {
      org: { domains: ['example.com'] },
      people: peopleOf(id, ['alice', 'Alice Ng'], ['bob', 'Bob Li'], ['carol', 'Carol Diaz']),
      rooms: [{ key: 'r1', type: 'group', title: 'Falcon', created: at(8), updates: [{ at: at(10), by: 'alice', title: 'Falcon (closing)', classification: 'Confidential' }] }],
      memberships: [
        { room: 'r1', person: 'alice', joined: at(8) },
        { room: 'r1', person: 'bob', joined: at(8), moderator: [{ at: at(12), isModerator: true, by: 'alice' }] },
        { room: 'r1', person: 'carol', joined: at(9), left: at(11) },
      ],
      messages: [],
    },
  };
}

/** The conversation-change items of one mailbox as "event: subject / first body line", parsed by mailparser. */
async function changes(mailbox: string): Promise<string[]> {
  const out: string[] = [];
  for (const m of await readMailbox(mailbox)) {
    const p = await simpleParser(m.source);
    const event = p.headers.get('x-webex-event');
    if (event === 'joined' || event === 'left') continue;
    out.push(`${String(event)}: ${p.subject} / ${(p.text ?? '').split('\n')[0]}`);
  }
  return out.sort();
}

/**
 * `live`: played live, the rename and the moderation happen now (the simulator stamps what it plays
 * now), after Carol's leave in the fixture's past; from history they happen at the fixture's times.
 */
async function expectChanges(id: string, service: ArchiverService, live: boolean): Promise<void> {
  // Joins (2 + 2 + 3) and Carol's leave (3) to whoever was there, the rename (3 there, or 2 when
  // live) and Bob's moderation (2 there).
  const total = live ? 14 : 15;
  await waitUntil(async () => (await readOutcomes(service)).filter((o) => o.kind === 'imported').length >= total, 120_000, `${total} imported copies`);
  await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
  const rename = `room-updated: [space updated] Webex: Falcon (closing) / Alice Ng <alice-${id}@example.com> updated the space: title "Falcon (closing)", classification `;
  const moderator = `moderator-added: [moderator added] Webex: Falcon (closing) / Bob Li <bob-${id}@example.com> was made a moderator by Alice Ng <alice-${id}@example.com>.`;
  const [alice, bob, carol] = await Promise.all([changes(`alice-${id}@example.com`), changes(`bob-${id}@example.com`), changes(`carol-${id}@example.com`)]);
  for (const box of [alice, bob]) {
    expect(box).toHaveLength(2);
    expect(box[0]).toBe(moderator);
    expect(box[1]!.startsWith(rename)).toBe(true);
  }
  // Carol was there for the rename (from history), not for Bob's moderation.
  expect(carol).toHaveLength(live ? 0 : 1);
  if (!live) expect(carol[0]!.startsWith(rename)).toBe(true);
  expect((await readOutcomes(service)).filter((o) => o.kind === 'imported')).toHaveLength(total);
}

describe('moderator changes and room updates are items (simulator → Kafka → Dovecot, parsed)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('through webhooks, and a crawl of the same history afterwards adds nothing', async () => {
    const id = uniqueId();
    const { fixture, day } = org(id);
    const { sim, service, stop } = await startArchive(fixture, { secret: SECRET });
    cleanup.push(stop);
    const played = await sim.playLive({ memberships: true, rooms: true });
    expect(played.conversationChanges).toBe(2);
    await expectChanges(id, service, true);

    const r = await crawlFrom(service, day - HOUR);
    expect(r.changeItems).toBeGreaterThanOrEqual(6);
    await expectChanges(id, service, true);
  });

  it('through the crawl alone', async () => {
    const id = uniqueId();
    const { fixture, day } = org(id);
    const { service, stop } = await startArchive(fixture);
    cleanup.push(stop);
    const r = await crawlFrom(service, day - HOUR);
    expect(r.changeItems).toBe(6);
    await expectChanges(id, service, false);
  });

  it('with WXA_CAPTURE_MEMBERSHIPS, WXA_CAPTURE_ROOMS and WXA_CAPTURE_ATTACHMENT_ACTIONS off, no change becomes an item, and the timeline is kept', async () => {
    const { fixture, day } = org(uniqueId());
    const sim = await startWebexSimulator({ fixture });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CAPTURE_MEMBERSHIPS: 'false', WXA_CAPTURE_ROOMS: 'false', WXA_CAPTURE_ATTACHMENT_ACTIONS: 'false' }));
    cleanup.push(() => rt.close());
    const deps = testCrawlerDeps(rt);
    expect(deps.captureChanges).toEqual({ memberships: false, rooms: false, attachmentActions: false, meetingMessages: true, meetingTranscripts: true });
    const r = await crawlEvents(deps, { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: (Date.now() - day) / HOUR + 1 });
    expect(r).toMatchObject({ membershipChanges: 4, changeItems: 0 });
    expect(await readRawItems(rt)).toEqual([]);
  });
});
