import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { FileRef, Outcome, RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { fetchPipelineLag } from '../../src/ops/offsets.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { spawnCli } from '../support/cli.js';
import { testEnv, uniqueId } from '../support/config.js';
import { startPipeline, type TestPipeline } from '../support/pipeline.js';
import { sampleRaw } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

// Transcript mode on the real servers: raw records for two rooms over two days go through the
// whole pipeline; message versions stop at limit; the transcript job (the real CLI) for one day
// gives each participant exactly one transcript per room; a rerun adds nothing; a late message
// adds a new version for its room only.
const DAY = '2026-01-05';
const STAGES = ['convert', 'dedupe', 'limit', 'stage', 'route', 'import'] as const;

describe('transcript mode end to end', () => {
  const id = uniqueId();
  const person = (key: string, name: string) => ({ personId: `p-${key}`, email: `${key}-${id}@example.com`, displayName: name });
  const alice = person('alice', 'Alice Ng');
  const bob = person('bob', 'Bob Li');
  const carol = person('carol', 'Carol Diaz');
  const bytes = Buffer.from(`quarterly numbers ${id}`);
  let env: Record<string, string>;
  let config: Config;
  let pipeline: TestPipeline;
  let file: FileRef;

  const raw = (o: { id: string; room: 'A' | 'B'; event?: RawMessage['event']; created: string; at?: string; text: string; sender: typeof alice; parent?: string; files?: FileRef[]; source?: RawMessage['source'] }): RawMessage => {
    const base = sampleRaw();
    const room = { A: { id: `ROOM-A-${id}`, title: 'Rates chat', participants: [alice, bob, carol] }, B: { id: `ROOM-B-${id}`, title: 'Desk', participants: [alice, bob] } }[o.room];
    return {
      ...base,
      source: o.source ?? 'crawler',
      event: o.event ?? 'created',
      versionAt: o.at ?? o.created,
      message: { ...base.message, id: `${o.id}-${id}`, roomId: room.id, parentId: o.parent ? `${o.parent}-${id}` : null, personId: o.sender.personId, personEmail: o.sender.email, text: o.text, html: `<p>${o.text}</p>`, created: o.created },
      room: { ...base.room, id: room.id, title: room.title },
      sender: o.sender,
      participants: room.participants,
      files: o.files ?? [],
    };
  };

  const folder = (p: { email: string }) => path.join(maildirFolderPath(config.maildirRoot, p.email, config.mailFolder), 'cur');
  const mails = async (p: { email: string }): Promise<ParsedMail[]> => {
    const dir = folder(p);
    if (!existsSync(dir)) return [];
    return Promise.all(readdirSync(dir).sort().map((f) => simpleParser(readFileSync(path.join(dir, f)))));
  };
  const outcomes = async () => {
    const out: Outcome[] = [];
    await readTopicToEnd<Outcome>(pipeline.rt.kafka, pipeline.rt.serde, topicName(config, 'outcomes'), (v) => v && out.push(v));
    return out;
  };
  const countIn = async (topic: 'unique' | 'converted') => readTopicToEnd(pipeline.rt.kafka, pipeline.rt.serde, topicName(config, topic), () => undefined);
  const settled = async () => {
    const admin = pipeline.rt.kafka.admin();
    await admin.connect();
    try {
      return (await fetchPipelineLag(admin, config, STAGES)).every((g) => !g.error && g.lagSum === 0);
    } finally {
      await admin.disconnect();
    }
  };
  const transcriptJob = async (day = DAY) => {
    const run = spawnCli(['transcript', '--day', day], env);
    expect(await run.exited, run.output()).toBe(0);
    return run.output();
  };

  beforeAll(async () => {
    env = testEnv({ WXA_TRANSCRIPT_MODE: 'true', WXA_SINK: 'maildir' });
    config = loadConfig({}, env);
    pipeline = await startPipeline(config, STAGES);
    const stored = await pipeline.rt.blob.putContentAddressed(config.attachmentsContainer, Readable.from([bytes]));
    file = { contentId: 'c1', url: 'https://webexapis.com/v1/contents/c1', name: 'q1.txt', contentType: 'text/plain', size: bytes.length, sha256: stored.blobName, container: stored.container, blobName: stored.blobName, status: 'stored' };
    const records = [
      raw({ id: 'A1', room: 'A', created: '2026-01-05T09:00:00.000Z', text: 'numbers attached', sender: alice, files: [file], source: 'webhook' }),
      // The crawler sees the same version again: dedupe drops it, the transcript shows it once.
      raw({ id: 'A1', room: 'A', created: '2026-01-05T09:00:00.000Z', text: 'numbers attached', sender: alice, files: [file] }),
      raw({ id: 'A2', room: 'A', created: '2026-01-05T09:10:00.000Z', text: 'thanks', sender: bob, parent: 'A1' }),
      raw({ id: 'A1', room: 'A', event: 'updated', created: '2026-01-05T09:00:00.000Z', at: '2026-01-05T09:20:00.000Z', text: 'numbers attached (v2)', sender: alice, files: [file] }),
      raw({ id: 'A3', room: 'A', created: '2026-01-05T10:00:00.000Z', text: 'oops wrong room', sender: carol }),
      raw({ id: 'A3', room: 'A', event: 'deleted', created: '2026-01-05T10:00:00.000Z', at: '2026-01-05T10:30:00.000Z', text: 'oops wrong room', sender: carol }),
      raw({ id: 'B1', room: 'B', created: '2026-01-05T08:00:00.000Z', text: 'desk opens', sender: bob }),
      raw({ id: 'A4', room: 'A', created: '2026-01-06T09:00:00.000Z', text: 'next day in A', sender: alice }),
      raw({ id: 'B2', room: 'B', created: '2026-01-06T09:00:00.000Z', text: 'next day in B', sender: alice }),
    ];
    await pipeline.rt.publisher.publish(records.map((r) => ({ topic: 'raw' as const, key: r.message.roomId, value: r })));
    await waitUntil(async () => (await countIn('unique')) === 8, 120_000, 'the 8 distinct versions in webex.unique.v1');
  }, 180_000);
  afterAll(async () => { await pipeline?.stop(); });

  it('each participant gets exactly one transcript per room for the day and no per-message email', async () => {
    const out = await transcriptJob();
    expect(out).toContain(`${DAY}: 2 transcripts published from 6 versions`);
    await waitUntil(async () => (await outcomes()).filter((o) => o.kind === 'imported').length === 5, 120_000, '5 transcript imports');
    await waitUntil(settled, 60_000, 'every stage caught up');

    const all = await outcomes();
    expect(all.every((o) => o.itemId.startsWith(`transcript:`)), JSON.stringify(all.map((o) => o.itemId))).toBe(true);
    const byPerson = { alice: await mails(alice), bob: await mails(bob), carol: await mails(carol) };
    expect(byPerson.alice).toHaveLength(2);
    expect(byPerson.bob).toHaveLength(2);
    expect(byPerson.carol).toHaveLength(1);
    for (const m of Object.values(byPerson).flat()) {
      expect(m.headers.get('x-webex-event')).toBe('transcript');
      expect(m.headers.get('x-webex-transcript-day')).toBe(DAY);
      expect(m.text).not.toContain('next day');
    }
    const roomA = byPerson.carol[0]!;
    expect(roomA.subject).toBe(`Webex: Rates chat (transcript ${DAY})`);
    expect(roomA.headers.get('x-webex-transcript-items')).toBe('5');
    expect(roomA.text).toContain('[09:00:00 UTC] Alice Ng');
    expect(roomA.text).toContain('(edited; message of 09:00:00 UTC)\nnumbers attached (v2)');
    expect(roomA.text).toContain('(reply in thread to Alice Ng, 09:00:00 UTC)\nthanks');
    expect(roomA.text).toContain(`[10:30:00 UTC] Carol Diaz <${carol.email}> (deleted; message of 10:00:00 UTC)`);
    expect(roomA.text!.indexOf('numbers attached\n')).toBeLessThan(roomA.text!.indexOf('numbers attached (v2)'));
    expect(roomA.text!.indexOf('numbers attached (v2)')).toBeLessThan(roomA.text!.indexOf('\nthanks'));
    expect(roomA.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['q1.txt', bytes.toString()]]);
    const roomAForAlice = byPerson.alice.find((m) => m.subject === roomA.subject)!;
    expect(roomAForAlice.messageId).toBe(roomA.messageId);
    const roomB = byPerson.bob.find((m) => m.subject === `Webex: Desk (transcript ${DAY})`)!;
    expect(roomB.text).toContain('desk opens');
    expect(roomB.text).not.toContain('Rates');
  }, 300_000);

  it('a rerun over the same versions adds nothing', async () => {
    const before = await outcomes();
    const converted = await countIn('converted');
    await transcriptJob();
    // The rerun really published (2 more plans into converted) and every stage has taken it in.
    expect(await countIn('converted')).toBe(converted + 2);
    await waitUntil(settled, 60_000, 'every stage caught up after the rerun');
    expect((await mails(alice)).length + (await mails(bob)).length + (await mails(carol)).length).toBe(5);
    expect((await outcomes()).filter((o) => o.kind === 'imported')).toHaveLength(before.filter((o) => o.kind === 'imported').length);
  }, 300_000);

  it('a late message of that day (found by the crawl) adds a new transcript version for its room only', async () => {
    const late = raw({ id: 'A5', room: 'A', created: '2026-01-05T23:30:00.000Z', text: 'late but archived', sender: bob });
    await pipeline.rt.publisher.publish([{ topic: 'raw', key: late.message.roomId, value: late }]);
    await waitUntil(async () => (await countIn('unique')) === 8 + 2 + 1, 120_000, 'the late version (after the 2 transcripts) in webex.unique.v1');
    const old = (await mails(carol))[0]!;
    await transcriptJob();
    await waitUntil(async () => (await outcomes()).filter((o) => o.kind === 'imported').length === 8, 120_000, '3 more transcript imports');
    await waitUntil(settled, 60_000, 'every stage caught up');
    const carols = await mails(carol);
    expect(carols).toHaveLength(2);
    const fresh = carols.find((m) => m.messageId !== old.messageId)!;
    expect(fresh.text).toContain('late but archived');
    expect(fresh.headers.get('x-webex-transcript-items')).toBe('6');
    expect(await mails(alice)).toHaveLength(3);
    expect(await mails(bob)).toHaveLength(3);
  }, 300_000);

  it('a version of that day captured after its transcript is built again by the next day\'s run, with a rebuilt outcome', async () => {
    const late = raw({ id: 'A6', room: 'A', created: '2026-01-05T23:45:00.000Z', text: 'later still', sender: carol });
    await pipeline.rt.publisher.publish([{ topic: 'raw', key: late.message.roomId, value: late }]);
    await waitUntil(async () => (await countIn('unique')) === 11 + 1 + 1, 120_000, 'the late version in webex.unique.v1');
    const imported = (await outcomes()).filter((o) => o.kind === 'imported').length;
    // The scheduler's next run is for the next day; nobody runs DAY again by hand.
    const out = await transcriptJob('2026-01-06');
    expect(out).toContain('2026-01-06: 2 transcripts published');
    expect(out).toContain(`${DAY} room ROOM-A-${id}: 7 versions`);
    // 2026-01-06 for room A (3 people) and B (2), and DAY's room A again (3): 8 more copies.
    await waitUntil(async () => (await outcomes()).filter((o) => o.kind === 'imported').length === imported + 8, 120_000, '8 more transcript imports');
    await waitUntil(settled, 60_000, 'every stage caught up');
    const rebuilt = (await outcomes()).filter((o) => o.kind === 'rebuilt');
    expect(rebuilt.map((o) => o.webexMessageId)).toEqual([late.message.id]);
    expect(rebuilt[0]!.processor).toBe('transcript');
    expect(rebuilt[0]!.reason).toContain(DAY);
    const ofDay = (await mails(carol)).filter((m) => m.headers.get('x-webex-transcript-day') === DAY);
    expect(ofDay).toHaveLength(3);
    expect(ofDay.filter((m) => m.text!.includes('later still')).map((m) => m.headers.get('x-webex-transcript-items'))).toEqual(['7']);
    // Room B of DAY had nothing late: its rebuild was identical and dedupe dropped it.
    expect((await mails(bob)).filter((m) => m.headers.get('x-webex-transcript-day') === DAY && m.subject === `Webex: Desk (transcript ${DAY})`)).toHaveLength(1);
  }, 300_000);
});
