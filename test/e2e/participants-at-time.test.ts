import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { backfill, crawlEvents } from '../../src/capture/crawler.js';
import type { EmailPlan, Outcome, RawMessage } from '../../src/kafka/records.js';
import { convertProcessor } from '../../src/processors/convert/index.js';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import { createRuntime } from '../../src/runtime.js';
import type { ArchiverService } from '../../src/service/service.js';
import { startWebexSimulator, type OrgFixture } from '../../src/simulator/index.js';
import { crawlFrom, dayAgo, peopleOf, readOutcomes, startArchive } from '../support/archive-service.js';
import { drained, readRaw, testCrawlerDeps } from '../support/capture.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';

const SECRET = 'participants-at-time-secret';
const HOUR = 3600_000;

/**
 * Alice and Bob are in the deal room throughout; Dana joins for one day and leaves. Times are a
 * few days back, inside the Events API's 90 days, so the timeline covers them.
 */
function dealRoom(id: string): { fixture: OrgFixture; day: number } {
  const { day, at } = dayAgo(3);
  const msg = (key: string, person: string, h: number, text: string) => ({ key, room: 'deal', person, created: at(h), text, parent: null, edits: [], deleted: null, files: [] });
  return {
    day,
    fixture: {
      org: { domains: ['example.com'] },
      people: peopleOf(id, ['alice', 'Alice Ng'], ['bob', 'Bob Li'], ['dana', 'Dana Roy']),
      teams: [],
      rooms: [{ key: 'deal', type: 'group', title: 'Project Falcon', created: at(-24) }],
      memberships: [
        { room: 'deal', person: 'alice', joined: at(-24), left: null },
        { room: 'deal', person: 'bob', joined: at(-24), left: null },
        { room: 'deal', person: 'dana', joined: at(9), left: at(17) },
      ],
      messages: [
        msg('before', 'alice', 8.5, 'before Dana joined'),
        msg('during1', 'alice', 10, 'Dana, welcome: the term sheet'),
        msg('during2', 'bob', 12, 'pricing at 101.5'),
        msg('during3', 'dana', 16, 'thanks, I am out tomorrow'),
        msg('after', 'bob', 18, 'now that Dana has left'),
      ],
    },
  };
}

const ALL = ['before Dana joined', 'Dana, welcome: the term sheet', 'pricing at 101.5', 'thanks, I am out tomorrow', 'now that Dana has left'];
const WHILE_THERE = ALL.slice(1, 4);

interface Archived { text: string; to: string[]; source: string | undefined; kind: string | undefined; event: string | undefined; subject: string }

/** What one mailbox holds, read over IMAP and parsed by mailparser. */
async function archived(mailbox: string): Promise<Archived[]> {
  const out: Archived[] = [];
  for (const m of await readMailbox(mailbox)) {
    const parsed = await simpleParser(m.source);
    const to = (Array.isArray(parsed.to) ? parsed.to : parsed.to ? [parsed.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
    const header = (name: string) => { const v = parsed.headers.get(name); return typeof v === 'string' ? v : undefined; };
    out.push({ text: (parsed.text ?? '').trim(), to: to.sort(), source: header('x-webex-participants-source'), kind: header('x-webex-item-kind'), event: header('x-webex-event'), subject: parsed.subject ?? '' });
  }
  return out;
}

const messages = (items: Archived[]) => items.filter((m) => m.kind === undefined).sort((a, b) => ALL.indexOf(a.text) - ALL.indexOf(b.text));
/** The membership items as "who event", in time order of the fixture. */
const changes = (items: Archived[]) => items.filter((m) => m.kind === 'membership').map((m) => `${m.text.split(' ')[0]} ${m.event}`).sort();

async function expectArchive(id: string, service: ArchiverService): Promise<void> {
  // Messages: Alice's and Bob's five each plus Dana's three; changes: Alice's and Bob's joins,
  // Dana's join and leave, to Alice and Bob, and Dana's own two. Then nothing left in the pipeline.
  await waitUntil(async () => (await readOutcomes(service)).filter((o) => o.kind === 'imported').length >= 23, 120_000, '23 imported copies');
  await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
  const [alice, bob, dana] = await Promise.all([archived(`alice-${id}@example.com`), archived(`bob-${id}@example.com`), archived(`dana-${id}@example.com`)]);
  expect(messages(alice).map((m) => m.text)).toEqual(ALL);
  expect(messages(bob).map((m) => m.text)).toEqual(ALL);
  // Dana has what was said while she was there, and nothing from before or after.
  expect(messages(dana).map((m) => m.text)).toEqual(WHILE_THERE);
  // The copies name her among the recipients; the others do not.
  const named = messages(alice).filter((m) => m.to.includes(`dana-${id}@example.com`) || m.text === 'thanks, I am out tomorrow').map((m) => m.text);
  expect(named).toEqual(WHILE_THERE);
  // Joins and leaves are items in the room's conversation, to whoever was there at that moment.
  expect(changes(alice)).toEqual(['Alice joined', 'Bob joined', 'Dana joined', 'Dana left']);
  expect(changes(bob)).toEqual(['Alice joined', 'Bob joined', 'Dana joined', 'Dana left']);
  expect(changes(dana)).toEqual(['Dana joined', 'Dana left']);
  const left = alice.find((m) => m.kind === 'membership' && m.event === 'left')!;
  expect(left.subject).toBe('[member left] Webex: Project Falcon');
  expect(left.text).toContain(`Dana Roy <dana-${id}@example.com> left the space.`);
  expect(left.to).toEqual([`alice-${id}@example.com`, `bob-${id}@example.com`]);
  // Inside the timeline's coverage: no item says it fell back to the current membership.
  expect([...alice, ...bob, ...dana].filter((m) => m.source !== undefined)).toEqual([]);
  expect((await readOutcomes(service)).filter((o) => o.kind === 'noted')).toEqual([]);
}

describe('participants at the time: a member who joined for a day and left (simulator → Kafka → Dovecot, parsed)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('through webhooks: joins, messages and the leave played live', async () => {
    const id = uniqueId();
    const { fixture, day } = dealRoom(id);
    const { sim, service, stop } = await startArchive(fixture, { secret: SECRET });
    cleanup.push(stop);
    const played = await sim.playLive({ memberships: true });
    expect(played.membershipChanges).toBe(4);
    await expectArchive(id, service);

    // The reconciliation crawl over the same history adds nothing: every message version and
    // every join and leave it publishes meets its webhook twin in dedupe.
    const r = await crawlFrom(service, day - 25 * HOUR);
    expect(r.published).toBe(5);
    expect(r.changeItems).toBeGreaterThanOrEqual(4);
    await expectArchive(id, service);
    expect((await readOutcomes(service)).filter((o) => o.kind === 'imported')).toHaveLength(23);
  });

  it('through webhooks, when the first message hydrated is from after she left (her leave webhook dated only by its arrival)', async () => {
    const id = uniqueId();
    const { sim, service, stop } = await startArchive(dealRoom(id).fixture, { secret: SECRET });
    cleanup.push(stop);
    await sim.playLive({ memberships: true, messages: ['after'] });
    // Alice's and Bob's copies of the message and their ten membership copies; Dana's two changes.
    await waitUntil(async () => (await readOutcomes(service)).filter((o) => o.kind === 'imported').length >= 12, 120_000, '12 imported copies');
    await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
    expect(messages(await archived(`dana-${id}@example.com`))).toEqual([]);
    expect(messages(await archived(`alice-${id}@example.com`)).map((m) => m.text)).toEqual(['now that Dana has left']);
    expect((await readOutcomes(service)).filter((o) => o.kind === 'imported')).toHaveLength(12);
  });

  it('through the crawl: the Events API history, Dana no longer a member', async () => {
    const id = uniqueId();
    const { fixture, day } = dealRoom(id);
    const { service, stop } = await startArchive(fixture);
    cleanup.push(stop);
    const r = await crawlFrom(service, day - 25 * HOUR);
    expect(r.membershipChanges).toBe(4);
    expect(r.published).toBe(5);
    expect(r.changeItems).toBe(4);
    await expectArchive(id, service);
  });
});

describe('participants older than the membership timeline reaches', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('a backfill past the coverage uses the current membership (with what the timeline knows) and says so: a header and a noted outcome', async () => {
    const id = uniqueId();
    const { fixture, day } = dealRoom(id);
    const sim = await startWebexSimulator({ fixture });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl }));
    cleanup.push(() => rt.close());
    const deps = testCrawlerDeps(rt);
    // The first crawl reaches back to 13:00 on Dana's day: her join (09:00) is older, her leave (17:00) is not.
    const coverage = day + 13 * HOUR;
    await crawlEvents(deps, { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: (Date.now() - coverage) / HOUR });
    await backfill(deps, { since: new Date(day), runId: uniqueId('run-') });
    const raws = await readRaw(rt);
    const byText = new Map<string, RawMessage[]>();
    for (const r of raws) byText.set(r.message.text ?? '', [...(byText.get(r.message.text ?? '') ?? []), r]);
    const people = (r: RawMessage) => r.participants.map((p) => p.email.split('-')[0]).sort();
    for (const text of ALL.slice(0, 3)) {
      for (const r of byText.get(text)!) {
        expect(r.participantsSource).toBe('current-membership');
        // Her leave is in the timeline, so she was there before it: the fallback is not blind.
        expect(people(r)).toEqual(['alice', 'bob', 'dana']);
      }
    }
    for (const text of ALL.slice(3)) for (const r of byText.get(text)!) expect(r.participantsSource).toBe('timeline');
    expect(people(byText.get('now that Dana has left')![0]!)).toEqual(['alice', 'bob']);

    const convert = convertProcessor({ config: rt.config });
    const meta = { topic: 'raw', partition: 0, offset: '0', key: null, timestamp: '0' };
    const old = await convert.transform(byText.get('pricing at 101.5')![0]!, { meta, logger: rt.logger });
    const plan = old.find((o) => o.topic === 'converted')!.value as EmailPlan;
    expect(plan.headers).toContainEqual({ name: 'X-Webex-Participants-Source', value: 'current-membership' });
    expect(old.filter((o) => o.topic === 'outcomes').map((o) => (o.value as Outcome).kind)).toEqual(['noted']);
    const recent = await convert.transform(byText.get('now that Dana has left')![0]!, { meta, logger: rt.logger });
    expect(recent.map((o) => o.topic)).toEqual(['converted']);
    expect((recent[0]!.value as EmailPlan).headers.map((h) => h.name)).not.toContain('X-Webex-Participants-Source');
  });
});
