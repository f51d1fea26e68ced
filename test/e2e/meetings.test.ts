import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { meetingMessageId, meetingThreadRoot, meetingTranscriptMessageId } from '../../src/mail/message-id.js';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import type { ArchiverService } from '../../src/service/service.js';
import type { OrgFixture, WebexSimulator } from '../../src/simulator/index.js';
import { crawlEvents } from '../../src/capture/crawler.js';
import { readDailyLog } from '../../src/ops/status-log-read.js';
import { hydrateDelivery } from '../../src/processors/hydrate/transform.js';
import { createRuntime } from '../../src/runtime.js';
import { startWebexSimulator } from '../../src/simulator/index.js';
import { crawlFrom, dayAgo, peopleOf, readOutcomes, startArchive } from '../support/archive-service.js';
import { drained, readRawItems, testCrawlerDeps } from '../support/capture.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';

/**
 * In-meeting chat and meeting transcripts (docs/webex-api.md, "Meetings"), simulator → Kafka →
 * Dovecot, each copy parsed by mailparser. Alice hosts; Bob and Carol attend; Dave was not there.
 * Alice writes privately to Bob; Carol deletes what she wrote.
 */
function org(id: string): { fixture: OrgFixture; day: number } {
  const { day, at } = dayAgo(1);
  return {
    day,
    fixture: {
      org: { domains: ['example.com'] },
      people: peopleOf(id, ['alice', 'Alice Ng'], ['bob', 'Bob Roy'], ['carol', 'Carol Li'], ['dave', 'Dave Oz']),
      rooms: [{ key: 'r1', type: 'group', title: 'Desk', created: at(8) }],
      memberships: [{ room: 'r1', person: 'dave', joined: at(8) }],
      messages: [],
      meetings: [{
        key: 'deal', title: 'Deal review <Q3>', host: 'alice', start: at(10), end: at(11),
        participants: [{ person: 'alice' }, { person: 'bob' }, { person: 'carol', joined: at(10.25) }],
        messages: [
          { key: 'hello', person: 'bob', at: at(10.1), text: 'hello all' },
          { key: 'private', person: 'alice', at: at(10.2), text: 'between us: <b>limit</b> is 5m', to: ['bob'] },
          { key: 'oops', person: 'carol', at: at(10.5), text: 'wrong chat', deleted: at(10.6) },
        ],
        transcripts: [
          { key: 't1', at: at(11.2), lines: [{ person: 'alice', offset: 3, text: 'Welcome to the review.' }, { person: 'bob', offset: 9.5, text: 'Numbers are final.' }] },
          // Removed since: its event is still in the history, and the crawl records nothing for it.
          { key: 'gone', at: at(11.3), lines: [{ person: 'bob', offset: 1, text: 'never archived' }], status: 'deleted' },
        ],
      }],
    },
  };
}

async function mailOf(mailbox: string): Promise<ParsedMail[]> {
  const out: ParsedMail[] = [];
  for (const m of await readMailbox(mailbox)) {
    const p = await simpleParser(m.source);
    if (String(p.headers.get('x-webex-item-kind') ?? '').startsWith('meeting-')) out.push(p);
  }
  return out;
}

async function waitForCopies(service: ArchiverService, prefix: string, copies: number): Promise<void> {
  await waitUntil(async () => (await readOutcomes(service)).filter((o) => o.processor === 'import' && o.kind === 'imported' && o.itemId.startsWith(prefix)).length >= copies, 120_000, `${copies} imported copies of ${prefix} items`);
  await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
}

describe('meeting chat and transcripts become items for the people in the meeting (simulator → Kafka → Dovecot, parsed)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  it('through the crawl: chat versions threaded per meeting, a directed message for its sender and recipient only, a deletion as its own version, the transcript with its files', async () => {
    const id = uniqueId();
    const { fixture, day } = org(id);
    const { sim, service, stop } = await startArchive(fixture);
    cleanup.push(stop);
    expect(await crawlFrom(service, day)).toMatchObject({ published: 0, meetingItems: 5 });
    // hello ×3, private ×2 (Alice, Bob), oops ×3, its deletion ×3; the transcript ×3.
    await waitForCopies(service, 'meeting-message:', 11);
    await waitForCopies(service, 'meeting-transcript:', 3);
    const meetingId = sim.ids.meeting('deal');
    const ids = Object.fromEntries(['hello', 'private', 'oops'].map((k) => [k, sim.ids.meetingMessage('deal', k)]));
    const root = meetingThreadRoot(meetingId);

    const alice = await mailOf(`alice-${id}@example.com`);
    const bob = await mailOf(`bob-${id}@example.com`);
    const carol = await mailOf(`carol-${id}@example.com`);
    expect(await mailOf(`dave-${id}@example.com`)).toEqual([]);
    const idsOf = (mail: ParsedMail[]) => mail.map((m) => m.messageId).sort();
    const all = [meetingMessageId(ids.hello!, 'created'), meetingMessageId(ids.oops!, 'created'), meetingMessageId(ids.oops!, 'deleted'), meetingTranscriptMessageId(sim.ids.transcript('deal', 't1'))];
    expect(idsOf(alice)).toEqual([...all, meetingMessageId(ids.private!, 'created')].sort());
    expect(idsOf(bob)).toEqual([...all, meetingMessageId(ids.private!, 'created')].sort());
    expect(idsOf(carol)).toEqual([...all].sort());

    const hello = bob.find((m) => m.messageId === meetingMessageId(ids.hello!, 'created'))!;
    expect(hello.subject).toBe('[meeting chat] Webex meeting: Deal review <Q3>');
    expect(hello.from?.value[0]?.address).toBe(`bob-${id}@example.com`);
    expect(hello.to && !Array.isArray(hello.to) ? hello.to.value.map((a) => a.address).sort() : []).toEqual([`alice-${id}@example.com`, `carol-${id}@example.com`]);
    expect(hello.inReplyTo).toBe(root);
    expect(hello.references).toBe(root);
    expect(hello.text?.trim()).toBe('hello all');
    expect(hello.headers.get('x-webex-meeting-id')).toBe(meetingId);

    const secret = alice.find((m) => m.messageId === meetingMessageId(ids.private!, 'created'))!;
    expect(secret.headers.get('x-webex-directed')).toBe('true');
    expect(secret.to && !Array.isArray(secret.to) ? secret.to.value.map((a) => a.address) : []).toEqual([`bob-${id}@example.com`]);
    expect(secret.text).toContain(`Sent privately by Alice Ng <alice-${id}@example.com> to Bob Roy <bob-${id}@example.com>.`);
    expect(secret.html).toContain('between us: &lt;b&gt;limit&lt;/b&gt; is 5m');

    const deletion = carol.find((m) => m.messageId === meetingMessageId(ids.oops!, 'deleted'))!;
    expect(deletion.subject).toBe('[deleted] [meeting chat] Webex meeting: Deal review <Q3>');
    expect(deletion.inReplyTo).toBe(meetingMessageId(ids.oops!, 'created'));
    expect(deletion.references).toEqual([root, meetingMessageId(ids.oops!, 'created')]);
    expect(deletion.text).toContain('This meeting chat message was deleted at ');
    expect(deletion.headers.get('x-webex-event')).toBe('deleted');

    const transcript = carol.find((m) => m.headers.get('x-webex-item-kind') === 'meeting-transcript')!;
    expect(transcript.subject).toBe('[meeting transcript] Webex meeting: Deal review <Q3>');
    expect(transcript.from?.value[0]?.address).toBe(`alice-${id}@example.com`);
    expect(transcript.references).toBe(root);
    expect(transcript.text).toContain('Alice Ng 00:00:03\nWelcome to the review.');
    expect(transcript.text).toContain('Bob Roy 00:00:09\nNumbers are final.');
    const vtt = transcript.attachments.find((a) => a.filename?.endsWith('.vtt'));
    const txt = transcript.attachments.find((a) => a.filename?.endsWith('.txt'));
    expect(vtt?.contentType).toBe('text/vtt');
    expect(vtt?.content.toString('utf8')).toContain('00:00:03.000 --> 00:00:09.500\n<v Alice Ng>Welcome to the review.');
    expect(txt?.content.toString('utf8')).toContain('Bob Roy 00:00:09\nNumbers are final.');

    // The status log counts them by kind: four chat versions and one transcript (summed over the
    // days the test ran in, so a run across midnight UTC counts the same).
    const log = await readDailyLog(service.rt, { sinceDay: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) });
    const sum = (k: 'availableMeetingMessages' | 'availableMeetingTranscripts') => log.days.reduce((n, d) => n + d.summary[k], 0);
    expect([sum('availableMeetingMessages'), sum('availableMeetingTranscripts')]).toEqual([4, 1]);

    // A second crawl over the same window publishes the same items again; dedupe drops them all.
    const before = (await readOutcomes(service)).filter((o) => o.processor === 'import' && o.itemId.startsWith('meeting-')).length;
    await crawlFrom(service, day);
    await waitUntil(() => drained(service.rt, STAGE_NAMES), 60_000, 'the pipeline to drain');
    expect((await readOutcomes(service)).filter((o) => o.processor === 'import' && o.itemId.startsWith('meeting-')).length).toBe(before);
    expect(await mailOf(`bob-${id}@example.com`)).toHaveLength(bob.length);
  });

  it('through the webhook: the transcript reaches the host and participants; a later crawl adds the chat and repeats the transcript without a second copy', async () => {
    const id = uniqueId();
    const { fixture, day } = org(id);
    const { sim, service, stop } = await startArchive(fixture, { secret: 'meetings-webhook-secret' });
    cleanup.push(stop);
    expect(await sim.playLive()).toMatchObject({ transcripts: 1, meetingMessages: 4 });
    await waitForCopies(service, 'meeting-transcript:', 3);
    const transcriptId = meetingTranscriptMessageId(sim.ids.transcript('deal', 't1'));
    for (const who of ['alice', 'bob', 'carol']) {
      const mail = await mailOf(`${who}-${id}@example.com`);
      expect(mail.map((m) => m.messageId), who).toEqual([transcriptId]);
      expect(mail[0]!.headers.get('x-webex-capture-source')).toBe('webhook');
      expect(mail[0]!.attachments.map((a) => a.filename?.split('.').pop()).sort()).toEqual(['txt', 'vtt']);
    }
    expect(await mailOf(`dave-${id}@example.com`)).toEqual([]);

    // Each chat event and the transcript's, from history and again from the live play: the two name the same items.
    expect(await crawlFrom(service, day)).toMatchObject({ meetingItems: 10 });
    await waitForCopies(service, 'meeting-message:', 11);
    const outcomes = (await readOutcomes(service)).filter((o) => o.processor === 'import' && o.itemId.startsWith('meeting-transcript:'));
    expect(outcomes.filter((o) => o.kind === 'imported')).toHaveLength(3);
    for (const who of ['alice', 'bob', 'carol']) expect((await mailOf(`${who}-${id}@example.com`)).filter((m) => m.messageId === transcriptId), who).toHaveLength(1);
  });

  it('with WXA_CAPTURE_MEETING_MESSAGES and WXA_CAPTURE_MEETING_TRANSCRIPTS off, the crawl reads no meeting events and hydrate drops the transcript webhook', async () => {
    const { fixture, day } = org(uniqueId());
    const sim = await startWebexSimulator({ fixture });
    cleanup.push(() => sim.close());
    const rt = await createRuntime(testConfig({ WXA_WEBEX_BASE_URL: sim.baseUrl, WXA_CAPTURE_MEETING_MESSAGES: 'false', WXA_CAPTURE_MEETING_TRANSCRIPTS: 'false' }));
    cleanup.push(() => rt.close());
    const deps = testCrawlerDeps(rt);
    expect(deps.captureChanges).toMatchObject({ meetingMessages: false, meetingTranscripts: false });
    sim.resetStats();
    expect(await crawlEvents(deps, { now: new Date(), overlapMinutes: 0, firstRunLookbackHours: (Date.now() - day) / 3600_000 })).toMatchObject({ meetingItems: 0 });
    expect(sim.stats.byRoute['GET /v1/meetings/:id'] ?? 0).toBe(0);
    expect((await readRawItems(rt)).filter((r) => r.kind?.startsWith('meeting-'))).toEqual([]);
    const delivery = { deliveryId: 'd1', receivedAt: new Date().toISOString(), webhookId: 'w', resource: 'meetingTranscripts', event: 'created', orgId: null, actorId: null, dataId: sim.ids.transcript('deal', 't1'), roomId: null, body: '{}', dataFields: { id: sim.ids.transcript('deal', 't1'), meetingId: sim.ids.meeting('deal') } };
    expect(await hydrateDelivery(delivery, deps)).toEqual([]);
  });
});
