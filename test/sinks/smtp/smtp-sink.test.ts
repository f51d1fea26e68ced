import { Readable } from 'node:stream';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOVECOT_USER_PASSWORD } from '../../../infra/dovecot.js';
import { PORTS } from '../../../infra/paths.js';
import { ArchiverError } from '../../../src/errors.js';
import type { AttachmentRef } from '../../../src/kafka/records.js';
import { renderMimeToBuffer } from '../../../src/mail/render.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { createSink } from '../../../src/sinks/create-sink.js';
import type { ImportRequest, MailboxSink } from '../../../src/sinks/sink.js';
import { uniqueId } from '../../support/config.js';
import { testConfig } from '../../support/config.js';
import { readMailbox } from '../../support/imap.js';
import { ensureDovecotLmtp } from '../../support/lmtp.js';
import { samplePlan } from '../../support/samples.js';
import { waitUntil } from '../../support/wait.js';

// The SMTP journaling sink against the real local Postfix (infra/postfix.ts: STARTTLS with a
// self-signed certificate, SIZE 4 MiB, 550 for `X-Journal-Test: reject`), which relays over LMTP
// into Dovecot; what arrived is read back over IMAP as the journal mailbox's owner would.
describe('SMTP journaling sink (Postfix, LMTP, Dovecot)', () => {
  const id = uniqueId();
  const pdf = Buffer.from(`%PDF-1.4 journal test ${id}`);
  const cleanup: (() => Promise<unknown>)[] = [];
  let rt: Runtime;
  beforeAll(async () => {
    cleanup.push(await ensureDovecotLmtp());
    rt = await createRuntime(testConfig({ WXA_SINK: 'smtp' }));
    cleanup.push(() => rt.close());
  });
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  const sinkFor = (env: Record<string, string>): MailboxSink => {
    const config = testConfig({ WXA_SINK: 'smtp', WXA_SMTP_TLS_VERIFY: 'false', WXA_TOPIC_PREFIX: rt.config.topicPrefix, ...env });
    const sink = createSink(config, rt.logger, rt);
    cleanup.push(() => sink.close());
    return sink;
  };

  async function item(n: number, extraHeaders: { name: string; value: string }[] = [], attachmentBytes = pdf): Promise<ImportRequest> {
    const att: AttachmentRef = { name: `q${n}.pdf`, contentType: 'application/pdf', size: attachmentBytes.length, sha256: 'x', container: 'c', blobName: 'b', status: 'stored' };
    const plan = samplePlan({ itemId: `smtp-${id}-${n}`, messageId: `<smtp-${id}-${n}@webex-archiver.invalid>`, subject: `Journal test ${n}`, attachments: [att], headers: [{ name: 'X-Webex-Message-Id', value: `m${n}` }, ...extraHeaders] });
    const bytes = await renderMimeToBuffer(plan, async () => Readable.from([attachmentBytes]));
    return { mailbox: 'alice@example.com', folder: 'Webex Teams', messageId: plan.messageId, date: new Date(plan.date), size: bytes.length, open: async () => Readable.from([bytes]) };
  }

  const arrived = async (journal: string, n: number) => {
    let mails: Awaited<ReturnType<typeof readMailbox>> = [];
    await waitUntil(async () => (mails = await readMailbox(journal, 'INBOX')).length >= n, 60_000, `${n} messages in ${journal}`);
    return mails;
  };

  it('plain form: each item once (its other mailboxes\' tasks are duplicates), headers and attachment intact, and a replay sends nothing', async () => {
    const journal = `journal-plain-${id}@example.com`;
    const env = { WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_SMTP_FORM: 'plain', WXA_SMTP_HEADERS: 'X-Archive-Source=webex;X-Kvs-Channel=chat' };
    const sink = sinkFor(env);
    const items = await Promise.all([1, 2, 3].map((n) => item(n)));
    const first = await Promise.all(items.flatMap((it) => [sink.importItem(it), sink.importItem({ ...it, mailbox: 'bob@example.com' })]));
    expect(first.map((r) => r.status).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'imported', 'imported', 'imported']);
    expect(first.find((r) => r.status === 'imported')!.ref).toMatch(/^250 /);

    // A replay: a new process (ledger read back from Kafka) is handed the same items again.
    const again = sinkFor(env);
    expect((await Promise.all(items.map((it) => again.importItem(it)))).map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    // A sentinel sent after the replay: once it is there, anything the replay had sent would be too.
    const sentinel = await item(4);
    expect((await again.importItem(sentinel)).status).toBe('imported');
    const mails = await arrived(journal, 4);
    await waitUntil(async () => (await readMailbox(journal, 'INBOX')).some((m) => m.messageId === sentinel.messageId), 60_000, 'the sentinel');
    const final = await readMailbox(journal, 'INBOX');
    expect(final.map((m) => m.messageId).sort()).toEqual([...items, sentinel].map((i) => i.messageId).sort());
    const parsed = await simpleParser(mails.find((m) => m.messageId === items[0]!.messageId)!.source);
    expect(parsed.headers.get('x-archive-source')).toBe('webex');
    expect(parsed.headers.get('x-kvs-channel')).toBe('chat');
    expect(parsed.headers.get('x-webex-message-id')).toBe('m1');
    expect(parsed.attachments.map((a) => [a.filename, a.content.equals(pdf)])).toEqual([['q1.pdf', true]]);
  });

  it('two import processes: an item one journaled is not sent again by the other, whose ledger was read before', async () => {
    const journal = `journal-two-${id}@example.com`;
    const env = { WXA_SMTP_JOURNAL_ADDRESS: journal };
    const [a, b] = [sinkFor(env), sinkFor(env)];
    const warmUp = await item(20);
    expect((await b.importItem(warmUp)).status).toBe('imported'); // b's ledger is now loaded and followed
    const it21 = await item(21);
    expect((await a.importItem(it21)).status).toBe('imported');
    expect((await b.importItem({ ...it21, mailbox: 'bob@example.com' })).status).toBe('duplicate');
    expect((await arrived(journal, 2)).map((m) => m.messageId).sort()).toEqual([warmUp.messageId, it21.messageId].sort());
  });

  it('envelope form: a journal report listing the true recipients, with the original attached unaltered', async () => {
    const journal = `journal-report-${id}@example.com`;
    const sink = sinkFor({ WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_SMTP_FORM: 'envelope', WXA_SMTP_HEADERS: 'X-Archive-Source=webex' });
    const it5 = await item(5);
    const original = Buffer.concat(await (await it5.open()).toArray() as Buffer[]);
    expect((await sink.importItem(it5)).status).toBe('imported');
    const [mail] = await arrived(journal, 1);
    const report = await simpleParser(mail!.source);
    // Exchange's marker header, present with an empty value (parsers drop empty headers, so read the bytes).
    expect(mail!.source.toString('latin1')).toMatch(/\r\nX-MS-Journal-Report: \r\n/);
    expect(report.headers.get('x-archive-source')).toBe('webex');
    expect(report.text!.trim().split(/\r?\n/)).toEqual([
      'Sender: alice@example.com', 'Subject: Journal test 5', `Message-Id: ${it5.messageId}`, 'To: bob@example.com',
    ]);
    const attached = report.attachments.find((a) => a.contentType === 'message/rfc822')!;
    expect(attached.content.equals(original)).toBe(true);
    const inner = await simpleParser(attached.content);
    expect(inner.messageId).toBe(it5.messageId);
    expect(inner.attachments[0]!.content.equals(pdf)).toBe(true);
  });

  it("records a 5xx with the server's reply, and refuses an item over the server's SIZE before sending it", async () => {
    const journal = `journal-refused-${id}@example.com`;
    const sink = sinkFor({ WXA_SMTP_JOURNAL_ADDRESS: journal });
    const refused = await sink.importItem(await item(6, [{ name: 'X-Journal-Test', value: 'reject' }])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ArchiverError);
    expect((refused as ArchiverError).code).toBe('REJECTED');
    expect((refused as ArchiverError).retriable).toBe(false);
    expect((refused as ArchiverError).message).toMatch(/^SMTP 550 .*5\.7\.1 .*header_checks/);
    const big = await sink.importItem(await item(7, [], Buffer.alloc(4 * 1024 * 1024, 1))).catch((e: unknown) => e);
    expect((big as ArchiverError).code).toBe('REJECTED');
    expect((big as ArchiverError).message).toMatch(/size larger than allowed 4194304/);
    // Nothing was recorded as accepted: the same item is tried (and refused) again, not skipped.
    expect(((await sink.importItem(await item(6, [{ name: 'X-Journal-Test', value: 'reject' }])).catch((e: unknown) => e)) as ArchiverError).code).toBe('REJECTED');
  });

  it('AUTH when asked: accepted with the right password (after STARTTLS), AUTH_FAILED quoting 535 with a wrong one', async () => {
    const journal = `journal-auth-${id}@example.com`;
    const port = String(PORTS.postfixAuth);
    const good = sinkFor({ WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_SMTP_PORT: port, WXA_SMTP_USER: journal, WXA_SMTP_PASSWORD: DOVECOT_USER_PASSWORD });
    const it9 = await item(9);
    expect((await good.importItem(it9)).status).toBe('imported');
    expect((await arrived(journal, 1)).map((m) => m.messageId)).toEqual([it9.messageId]);
    const bad = sinkFor({ WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_SMTP_PORT: port, WXA_SMTP_USER: journal, WXA_SMTP_PASSWORD: 'not-the-password' });
    const err = await bad.importItem(await item(10)).catch((e: unknown) => e);
    expect((err as ArchiverError).code).toBe('AUTH_FAILED');
    expect((err as ArchiverError).message).toMatch(/535 5\.7\.8/);
  });

  it('refuses to send in clear text when STARTTLS is required and verifies the certificate by default', async () => {
    const journal = `journal-tls-${id}@example.com`;
    const strict = sinkFor({ WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_SMTP_TLS_VERIFY: 'true' });
    const err = await strict.importItem(await item(8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiverError);
    expect((err as ArchiverError).message).toMatch(/self[- ]signed|certificate/i);
    // Every item would fail alike: the work pauses (AUTH_FAILED), nothing is written off.
    expect((err as ArchiverError).code).toBe('AUTH_FAILED');
  });
});
