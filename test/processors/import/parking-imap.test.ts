import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportTask, Outcome, ParkedRecord } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { topicName } from '../../../src/kafka/topics.js';
import { testConfig, uniqueId } from '../../support/config.js';
import { startPipeline, type TestPipeline } from '../../support/pipeline.js';
import { PRIVATE_DOVECOT_PASSWORD, startPrivateDovecot, type PrivateDovecot } from '../../support/private-dovecot.js';
import { waitUntil } from '../../support/wait.js';

/**
 * The same non-blocking retries against a real IMAP refusal: a private Dovecot where one mailbox
 * is over its quota answers `NO [OVERQUOTA]`; that mailbox's tasks are parked while another
 * mailbox's on the same partition are appended, and each parked task comes back when due, is
 * tried again and, still refused, goes one retry topic further: waiting, counted, never lost.
 */
describe('import parks a mailbox that is over quota (real Kafka + a private Dovecot)', () => {
  const id = uniqueId();
  const full = `full-${id}@quota.test`;
  const plain = `plain-${id}@plain.test`;
  let dovecot: PrivateDovecot;
  let pipe: TestPipeline;
  beforeAll(async () => {
    dovecot = await startPrivateDovecot({ users: [full, plain], maxMailSize: 1024 * 1024 });
    pipe = await startPipeline(testConfig({
      WXA_SINK: 'imap', WXA_IMAP_PORT: String(dovecot.port), WXA_IMAP_LOGIN_TEMPLATE: '{mailbox}', WXA_IMAP_PASSWORD: PRIVATE_DOVECOT_PASSWORD,
      WXA_IMPORT_RETRY_DELAYS: '2,3,4', WXA_TOPIC_PARTITIONS: '1',
    }), ['import']);
  }, 60_000);
  afterAll(async () => { await pipe?.stop(); await dovecot?.stop(); });

  const task = (mailbox: string, n: number, bodyBytes: number): ImportTask => {
    const messageId = `<q${n}-${id}@webex-archiver.invalid>`;
    const eml = Buffer.from(`Message-ID: ${messageId}\r\nDate: Mon, 05 Jan 2026 09:01:00 +0000\r\nFrom: <a@example.com>\r\nSubject: ${n}\r\n\r\n${'x'.repeat(bodyBytes)}\r\n`);
    return {
      itemId: `Q${n}-${id}:created:1`, webexMessageId: `Q${n}-${id}`, roomId: `R-${id}`, messageId, date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z',
      container: 'unused', blobName: 'unused', size: eml.length, sha256: 'x', partial: false, inline: eml, mailbox, participantEmail: mailbox, viaFallback: false,
    };
  };

  async function count(mailbox: string): Promise<number> {
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: mailbox, pass: PRIVATE_DOVECOT_PASSWORD }, logger: false });
    await client.connect();
    try {
      const list = await client.list();
      const folder = list.find((f) => f.path.endsWith('Webex Teams'));
      const status = folder ? await client.status(folder.path, { messages: true }) : false;
      return status ? status.messages ?? 0 : 0;
    } finally { await client.logout(); }
  }

  it('the other mailbox flows, the full one is parked, and each parked task comes back when due and goes one topic further', async () => {
    const { rt } = pipe;
    const tasks = [task(full, 0, 4096), task(plain, 1, 10), task(full, 2, 4096), task(plain, 3, 10), task(plain, 4, 10)];
    await rt.publisher.publish(tasks.map((t) => ({ topic: 'imports' as const, key: t.mailbox, value: t })));

    let outcomes: Outcome[] = [];
    const of = (mailbox: string, kind: Outcome['kind']) => outcomes.filter((o) => o.mailbox === mailbox && o.kind === kind);
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return of(plain, 'imported').length === 3 && of(full, 'parked').length >= 2; }, 60_000, 'plain imported, full parked');
    expect(await count(plain)).toBe(3);
    expect(of(full, 'parked')[0]!.reason).toMatch(/^MAILBOX_UNAVAILABLE: .*OVERQUOTA.*\(parked 1x, due /);

    // Due after 2 s, back on webex.imports.v1, refused again (still over quota): parked a second time, on retry-2.
    await waitUntil(async () => { outcomes = await pipe.outcomes(); return of(full, 'parked').filter((o) => /parked 2x/.test(o.reason ?? '')).length >= 2; }, 60_000, 'second parks');
    const second: ParkedRecord[] = [];
    await readTopicToEnd<ParkedRecord>(rt.kafka, rt.serde, topicName(rt.config, 'importsRetry2'), (v) => v && second.push(v));
    expect(second.map((p) => p.parks)).toEqual([2, 2]);
    expect(of(full, 'imported')).toHaveLength(0);
    expect(of(full, 'failed')).toHaveLength(0);
    expect(await count(plain)).toBe(3);
  });
});
