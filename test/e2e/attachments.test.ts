import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, StagedItem } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { originalMessageId } from '../../src/mail/message-id.js';
import type { FixtureMessage, OrgFixture } from '../../src/simulator/index.js';
import { uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';
import { aliceAndBob, useWebhookPipeline } from '../support/webhook-pipeline.js';

const SECRET = 'attachments-webhook-secret-42';
const FOUR_MB = 4 * 1024 * 1024 + 123;

/** Files with non-ASCII, long and awkward names, bytes given inline, and one 4 MB file given only by size. */
function fixture(id: string): OrgFixture {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
  const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) & 0xff));
  return aliceAndBob(id, [
    {
      key: 'm1', room: 'r1', person: 'alice', created: '2026-01-05T09:01:00.000Z', text: 'the files', html: '<p>the files</p>',
      parent: null, edits: [], deleted: null,
      files: [
        { name: 'Übersicht Q1 — 2026 📈.pdf', contentType: 'application/pdf', base64: b64('%PDF-1.4 Übersicht'), size: null },
        { name: 'données clients; "final".csv', contentType: 'text/csv', base64: b64('nom,montant\r\nÉlodie,12\r\n'), size: null },
        { name: '日本語の資料とても長いファイル名 — a name long enough to need RFC 2231 continuations.bin', contentType: 'application/octet-stream', base64: b64(binary), size: null },
      ],
    },
    {
      key: 'm2', room: 'r1', person: 'bob', created: '2026-01-05T09:02:00.000Z', text: 'the big one', html: '<p>the big one</p>',
      parent: null, edits: [], deleted: null,
      files: [{ name: 'Präsentation März.pptx', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', base64: null, size: FOUR_MB }],
    },
  ] as FixtureMessage[]);
}


// Whole pipeline into Dovecot: simulator → signed webhooks → receiver → hydrate (files to Azurite)
// → … → stage → route → import (IMAP). Reading each mailbox back over IMAP and parsing with
// mailparser, every attachment has the simulator's name and exactly its bytes (SHA-256).
describe('attachments end to end: names and bytes intact in Dovecot (simulator → Kafka → Azurite → IMAP)', () => {
  const id = uniqueId();
  const mailboxes = [`alice-${id}@example.com`, `bob-${id}@example.com`];
  const pipeline = useWebhookPipeline(() => fixture(id), SECRET);

  it('every attachment reaches every participant with its file name and SHA-256', async () => {
    const { sim } = pipeline();
    await sim.playLive();
    await waitUntil(async () => (await pipeline().outcomes()).filter((o) => o.kind === 'imported').length >= 4, 120_000, 'four imported outcomes');
    // `noted`: the fixture's messages are older than the membership timeline reaches.
    expect((await pipeline().outcomes()).map((o) => o.kind).filter((k) => k !== 'noted')).toEqual(['imported', 'imported', 'imported', 'imported']);

    const expected = sim.expected();
    expect(expected.map((v) => v.files.length)).toEqual([3, 1]);
    expect(expected[1]!.files[0]!.size).toBe(FOUR_MB);
    for (const mailbox of mailboxes) {
      const mails = await readMailbox(mailbox);
      expect(mails).toHaveLength(2);
      for (const version of expected) {
        const mail = mails.find((m) => m.messageId === originalMessageId(version.messageId));
        expect(mail, `${mailbox}: ${version.messageKey}`).toBeDefined();
        const parsed = await simpleParser(mail!.source);
        const got = parsed.attachments.map((a) => ({ name: a.filename, contentType: a.contentType, size: a.content.length, sha256: createHash('sha256').update(a.content).digest('hex') }));
        const want = version.files.map((f) => ({ name: f.name, contentType: f.contentType, size: f.size, sha256: f.sha256 }));
        expect(got).toEqual(want);
      }
    }
  });

  it('a replay of the staged items adds nothing: one `duplicate` outcome per mailbox and item, one copy each', async () => {
    const { service } = pipeline();
    const staged: StagedItem[] = [];
    await readTopicToEnd<StagedItem>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'staged'), (v) => v && staged.push(v));
    expect(staged).toHaveLength(2);
    await service.rt.publisher.publish(staged.map((s) => ({ topic: 'staged' as const, key: s.roomId, value: s })));
    await waitUntil(async () => (await pipeline().outcomes()).filter((o) => o.kind === 'duplicate').length >= 4, 60_000, 'four duplicate outcomes');
    const dup = (await pipeline().outcomes()).filter((o) => o.kind === 'duplicate');
    expect(dup.map((o) => `${o.mailbox} ${o.itemId}`).sort()).toEqual(mailboxes.flatMap((m) => staged.map((s) => `${m} ${s.itemId}`)).sort());
    for (const mailbox of mailboxes) expect(await readMailbox(mailbox)).toHaveLength(2);
  });
});
