import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetter, ImportTask, Outcome, StagedItem } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { topicName } from '../../../src/kafka/topics.js';
import { maildirFolderPath } from '../../../src/sinks/maildir.js';
import { testConfig, uniqueId } from '../../support/config.js';
import { startPipeline, type TestPipeline } from '../../support/pipeline.js';
import { waitUntil } from '../../support/wait.js';

/**
 * route → import on the real runner, Kafka, Azurite and the Maildir sink. One staged item for two
 * participants, published twice (a replay of webex.staged.v1):
 * - alice's copy is `imported` once, then `duplicate` (the Message-ID is already in her folder);
 * - a participant address without a local part (`@example.com`, malformed input from outside) is
 *   refused by the Maildir sink as a mailbox name (BAD_INPUT, never retriable): each task goes to
 *   webex.dead-letter.v1 with its origin and bytes, and import emits a `failed` outcome naming the
 *   mailbox. Nothing stops the partition: alice's replay is still handled.
 */
describe('import outcomes: imported, duplicate on replay, failed + dead letter (real Kafka + Azurite + Maildir)', () => {
  const id = uniqueId();
  const alice = `alice-${id}@example.com`;
  const malformed = '@example.com';
  let pipe: TestPipeline;
  beforeAll(async () => { pipe = await startPipeline(testConfig({ WXA_SINK: 'maildir', WXA_ORG_DOMAINS: 'example.com' }), ['route', 'import']); });
  afterAll(async () => { await pipe?.stop(); });

  it('records every outcome and dead-letters the refused mailbox with origin topic, partition, offset and reason', async () => {
    const { rt } = pipe;
    const config = rt.config;
    const messageId = `<wx-${id}@webex-archiver.invalid>`;
    const eml = Buffer.from(`Message-ID: ${messageId}\r\nDate: Mon, 05 Jan 2026 09:01:00 +0000\r\nFrom: "Alice" <${alice}>\r\nSubject: Webex: Rates chat\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n`);
    const stored = await rt.blob.putStream(config.stagingContainer, `items/${id}.eml`, Readable.from([eml]), { expectedSize: eml.length });
    const staged: StagedItem = {
      itemId: `M-${id}:created:1767603660000`, webexMessageId: `M-${id}`, roomId: `R-${id}`, event: 'created', messageId,
      date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z', container: stored.container, blobName: stored.blobName,
      size: stored.size, sha256: stored.sha256, partial: false, strippedCount: 0,
      participants: [{ personId: 'pa', email: alice, displayName: 'Alice' }, { personId: 'po', email: malformed, displayName: 'Nobody' }],
    };
    await rt.publisher.publish([{ topic: 'staged', key: staged.roomId, value: staged }]);
    await waitUntil(async () => (await pipe.outcomes()).length >= 2, 60_000, 'outcomes of the first delivery');
    await rt.publisher.publish([{ topic: 'staged', key: staged.roomId, value: staged }]); // the replay

    let outcomes: Outcome[] = [];
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return outcomes.length >= 4; }, 60_000, 'outcomes of the replay');
    expect(outcomes).toHaveLength(4);
    const of = (mailbox: string) => outcomes.filter((o) => o.mailbox === mailbox);
    expect(of(alice).map((o) => o.kind)).toEqual(['imported', 'duplicate']);
    expect(of(alice)[1]).toMatchObject({ processor: 'import', itemId: staged.itemId, participantEmail: alice, reason: 'Message-ID already in the mailbox' });
    expect(of(malformed).map((o) => o.kind)).toEqual(['failed', 'failed']);
    for (const f of of(malformed)) {
      expect(f).toMatchObject({ processor: 'import', itemId: staged.itemId, webexMessageId: staged.webexMessageId, mailbox: malformed, participantEmail: malformed, size: stored.size });
      expect(f.reason).toBe(`BAD_INPUT: not a mailbox name: ${JSON.stringify(malformed)}`);
    }
    // One copy in alice's folder, whatever the replay did.
    expect(readdirSync(path.join(maildirFolderPath(config.maildirRoot, alice, config.mailFolder), 'cur'))).toHaveLength(1);

    // Each dead letter points at the exact import task it came from and carries its bytes.
    const tasks: { task: ImportTask; partition: number; offset: string }[] = [];
    await readTopicToEnd<ImportTask>(rt.kafka, rt.serde, topicName(config, 'imports'), (v, _k, partition, offset) => { if (v?.mailbox === malformed) tasks.push({ task: v, partition, offset }); });
    const dead: DeadLetter[] = [];
    await readTopicToEnd<DeadLetter>(rt.kafka, rt.serde, topicName(config, 'deadLetter'), (v) => v && dead.push(v));
    expect(tasks).toHaveLength(2);
    expect(dead.map((d) => [d.topic, d.partition, d.offset]).sort()).toEqual(tasks.map((t) => [topicName(config, 'imports'), t.partition, t.offset]).sort());
    for (const d of dead) {
      expect(d).toMatchObject({ processor: 'import', errorCode: 'BAD_INPUT', errorMessage: `not a mailbox name: ${JSON.stringify(malformed)}`, attempts: 1 });
      expect(Buffer.from(d.key!).toString('utf8')).toBe(malformed);
      expect(await rt.serde.decode<ImportTask>(Buffer.from(d.value!))).toMatchObject({ mailbox: malformed, itemId: staged.itemId, messageId });
    }
  });
});
