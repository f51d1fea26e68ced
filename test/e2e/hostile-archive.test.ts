import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { DeadLetter, FileRef, Outcome, RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { startService } from '../../src/service/service.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { sampleRaw } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

/**
 * Hostile but legal content, from webex.raw.v1 to the mailbox, over Maildir and over IMAP (real
 * Kafka, registry, Azurite and Dovecot): every item is imported for every participant and nothing
 * is dead-lettered. Over Maildir the participants include `o'brien@…`; the shared Dovecot is
 * left with plain names (its user-name characters come from infra/dovecot.ts at its next start).
 */
const LONG_TITLE = `Deal ${'x'.repeat(2000)}`;
const LONG_FILE = `${'é'.repeat(700)}.txt`;
const HOSTILE: { key: string; html: string | null; text: string; title?: string; file?: string }[] = [
  { key: 'entities', text: 'entities', html: '<p>&#x110000; &#99999999; &#0; ok</p>' },
  { key: 'comment', text: 'comment', html: '<p>before</p><!--><p>after</p>' },
  { key: 'title', text: 'a long title', html: null, title: LONG_TITLE },
  { key: 'file', text: 'a long file name', html: null, file: LONG_FILE },
  { key: 'lf', text: 'one\ntwo\rthree', html: null },
];

async function records(id: string, participants: RawMessage['participants'], put: (bytes: Buffer) => Promise<string>): Promise<RawMessage[]> {
  const out: RawMessage[] = [];
  for (const h of HOSTILE) {
    const base = sampleRaw();
    const files: FileRef[] = [];
    if (h.file) {
      const bytes = Buffer.from(`contents of ${h.key}`);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      files.push({ contentId: `c-${h.key}`, url: `https://webexapis.com/v1/contents/c-${h.key}`, name: h.file, contentType: 'text/plain', size: bytes.length, sha256, container: await put(bytes), blobName: sha256, status: 'stored' });
    }
    out.push({
      ...base,
      message: { ...base.message, id: `M-${id}-${h.key}`, roomId: `R-${id}`, personId: participants[0]!.personId, personEmail: participants[0]!.email, text: h.text, html: h.html },
      room: { ...base.room, id: `R-${id}`, title: h.title ?? 'Hostile' },
      sender: participants[0]!,
      participants,
      files,
    });
  }
  return out;
}

async function archive(sink: 'maildir' | 'imap', participants: RawMessage['participants']) {
  const id = uniqueId();
  const config = testConfig({ WXA_SINK: sink, WXA_RECEIVER_PORT: '0', WXA_ORG_DOMAINS: 'example.com' });
  const service = await startService(config, { processors: ['convert', 'dedupe', 'limit', 'stage', 'route', 'import'], receiver: false });
  try {
    const raws = await records(id, participants, async (bytes) => (await service.rt.blob.putContentAddressed(config.attachmentsContainer, Readable.from([bytes]))).container);
    await service.rt.publisher.publish(raws.map((r) => ({ topic: 'raw' as const, key: r.message.roomId, value: r })));
    let outcomes: Outcome[] = [];
    await waitUntil(async () => {
      outcomes = [];
      await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(config, 'outcomes'), (v) => v && outcomes.push(v));
      return outcomes.length >= raws.length * participants.length;
    }, 120_000, 'an outcome per item and mailbox');
    const dead: DeadLetter[] = [];
    await readTopicToEnd<DeadLetter>(service.rt.kafka, service.rt.serde, topicName(config, 'deadLetter'), (v) => v && dead.push(v));
    return { outcomes, dead, config };
  } finally {
    await service.stop();
  }
}

async function checkMail(emls: Buffer[]): Promise<void> {
  expect(emls).toHaveLength(HOSTILE.length);
  const parsed = await Promise.all(emls.map((e) => simpleParser(e)));
  for (const e of emls) expect(e.toString('latin1').split('\r\n').every((l) => l.length <= 998)).toBe(true);
  expect(parsed.map((p) => p.subject)).toContain(`Webex: ${LONG_TITLE}`);
  expect(parsed.flatMap((p) => p.attachments.map((a) => a.filename))).toContain(LONG_FILE);
  const comment = parsed.find((p) => p.text?.startsWith('comment'))!;
  expect(comment.html).toContain('after');
}

describe('hostile content is archived, never dead-lettered', () => {
  it("over Maildir, for o'brien@example.com too", async () => {
    const id = uniqueId();
    const people = [
      { personId: 'pa', email: `alice-${id}@example.com`, displayName: 'Alice &#x110000; Ng' },
      { personId: 'po', email: `o'brien+desk-${id}@example.com`, displayName: "Pat O'Brien" },
    ];
    const { outcomes, dead, config } = await archive('maildir', people);
    expect(dead).toEqual([]);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(HOSTILE.length * people.length).fill('imported'));
    for (const p of people) {
      const cur = path.join(maildirFolderPath(config.maildirRoot, p.email, config.mailFolder), 'cur');
      await checkMail(readdirSync(cur).map((f) => readFileSync(path.join(cur, f))));
    }
  }, 240_000);

  it('over IMAP (Dovecot)', async () => {
    const id = uniqueId();
    const people = [
      { personId: 'pa', email: `alice-${id}@example.com`, displayName: 'Alice Ng' },
      { personId: 'pb', email: `bob-${id}@example.com`, displayName: 'Bob Li' },
    ];
    const { outcomes, dead } = await archive('imap', people);
    expect(dead).toEqual([]);
    expect(outcomes.map((o) => o.kind)).toEqual(Array(HOSTILE.length * people.length).fill('imported'));
    for (const p of people) await checkMail((await readMailbox(p.email)).map((m) => m.source));
  }, 240_000);
});
