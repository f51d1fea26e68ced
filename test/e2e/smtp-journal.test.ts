import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTFIX_LOG } from '../../infra/postfix.js';
import { PORTS } from '../../infra/paths.js';
import type { ImportTask, Outcome } from '../../src/kafka/records.js';
import { testConfig, uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { ensureDovecotLmtp } from '../support/lmtp.js';
import { startPipeline, type TestPipeline } from '../support/pipeline.js';
import { waitUntil } from '../support/wait.js';

/**
 * The import processor on the real runner with WXA_SINK=smtp, through Postfix's 4xx test listener
 * (one connection per client; every other connection is answered 421 by Postfix's anvil), with a
 * pool of 4: a burst of 4xx that import must retry (in place, then parked on its retry topics). Then each item must be in the journal
 * mailbox once (read over IMAP after Postfix relayed it over LMTP), the refused one a `failed`
 * outcome quoting the server's 550, and a redelivery of every task (a fresh process: the ledger
 * is read back from Kafka) must send nothing again.
 */
describe('SMTP journaling through the import processor (Postfix 421 burst, 550, replay)', () => {
  const id = uniqueId();
  const journal = `journal-e2e-${id}@example.com`;
  const cleanup: (() => Promise<unknown>)[] = [];
  const config = testConfig({
    WXA_SINK: 'smtp', WXA_SMTP_PORT: String(PORTS.postfixBusy), WXA_SMTP_TLS_VERIFY: 'false', WXA_SMTP_MAX_CONNECTIONS: '4',
    WXA_SMTP_JOURNAL_ADDRESS: journal, WXA_IMPORT_RETRY_DELAYS: '1,1,1',
  });
  beforeAll(async () => { cleanup.push(await ensureDovecotLmtp()); });
  afterAll(async () => { for (const c of cleanup.reverse()) await c(); });

  const eml = (n: number, reject = false) => Buffer.from([
    `Message-ID: <j-${id}-${n}@webex-archiver.invalid>`, 'Date: Mon, 05 Jan 2026 09:01:00 +0000',
    `From: "Alice" <alice-${id}@example.com>`, `To: "Bob" <bob-${id}@example.com>`, `Subject: Webex: item ${n}`,
    ...(reject ? ['X-Journal-Test: reject'] : []), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', `item ${n}`, '',
  ].join('\r\n'));
  const task = (n: number, mailbox: string, reject = false): ImportTask => {
    const inline = eml(n, reject);
    return {
      itemId: `J-${id}-${n}:created:0`, webexMessageId: `J-${id}-${n}`, roomId: `R-${id}`, messageId: `<j-${id}-${n}@webex-archiver.invalid>`,
      date: '2026-01-05T09:01:00.000Z', webexCreated: '2026-01-05T09:01:00.000Z', container: 'unused', blobName: 'unused', size: inline.length,
      sha256: '', partial: false, inline, mailbox, participantEmail: mailbox, viaFallback: false,
    };
  };
  const ITEMS = 12;
  // Import takes a chunk mailbox by mailbox: alice's run and bob's run go at once. Bob's items come
  // in reverse order so the two runs send different items at the same moment (in the same order,
  // bob's copy of each item would wait for alice's, one send at a time, and no second connection
  // would meet Postfix's 421).
  const tasks = [
    ...[...Array(ITEMS).keys()].map((n) => task(n, `alice-${id}@example.com`)),
    ...[...Array(ITEMS).keys()].reverse().map((n) => task(n, `bob-${id}@example.com`)),
  ];
  const refused = task(99, `alice-${id}@example.com`, true);

  async function run(pipeWork: (pipe: TestPipeline) => Promise<void>): Promise<void> {
    const pipe = await startPipeline(config, ['import']);
    try { await pipeWork(pipe); } finally { await pipe.stop(); }
  }
  // A task that kept meeting 421s may be parked on a retry topic and come back (a `parked`
  // outcome, then its final one): count the final outcomes.
  const ours = (outcomes: Outcome[]) => outcomes.filter((o) => o.roomId === `R-${id}` && o.kind !== 'parked');

  it('delivers each item once despite a 421 burst, records the 550, and a redelivery sends nothing', async () => {
    const logBefore = readFileSync(POSTFIX_LOG, 'utf8').length;
    let outcomes: Outcome[] = [];
    await run(async (pipe) => {
      await pipe.rt.publisher.publish([...tasks, refused].map((t) => ({ topic: 'imports' as const, key: t.mailbox, value: t })));
      await waitUntil(async () => ours(outcomes = await pipe.outcomes()).length >= tasks.length + 1, 120_000, 'an outcome for every task');
    });
    const kinds = (list: Outcome[]) => list.reduce<Record<string, number>>((m, o) => ({ ...m, [o.kind]: (m[o.kind] ?? 0) + 1 }), {});
    expect(kinds(ours(outcomes))).toEqual({ imported: ITEMS, duplicate: ITEMS, failed: 1 });
    expect(ours(outcomes).find((o) => o.kind === 'failed')!.reason).toMatch(/^REJECTED: SMTP 550 .*5\.7\.1/);
    // The burst happened: Postfix refused connections with 421 while the pool opened more than one.
    expect(readFileSync(POSTFIX_LOG, 'utf8').slice(logBefore)).toMatch(new RegExp(`Connection concurrency limit exceeded: \\d+ from localhost\\[127\\.0\\.0\\.1\\] for service 127\\.0\\.0\\.1:${PORTS.postfixBusy}`));

    // Redelivery of every task to a new process, then a sentinel; once the sentinel is in the
    // mailbox, anything the redelivery had sent would be too (Postfix relays in arrival order here).
    const sentinel = task(100, `alice-${id}@example.com`);
    await run(async (pipe) => {
      await pipe.rt.publisher.publish([...tasks, sentinel].map((t) => ({ topic: 'imports' as const, key: t.mailbox, value: t })));
      await waitUntil(async () => ours(outcomes = await pipe.outcomes()).length >= 2 * tasks.length + 2, 120_000, 'outcomes of the redelivery');
    });
    expect(kinds(ours(outcomes))).toEqual({ imported: ITEMS + 1, duplicate: 2 * ITEMS + ITEMS, failed: 1 });
    await waitUntil(async () => (await readMailbox(journal, 'INBOX')).some((m) => m.messageId === sentinel.messageId), 60_000, 'the sentinel in the journal mailbox');
    const ids = (await readMailbox(journal, 'INBOX')).map((m) => m.messageId);
    expect(ids.sort()).toEqual([...[...Array(ITEMS).keys()].map((n) => `<j-${id}-${n}@webex-archiver.invalid>`), sentinel.messageId].sort());
  }, 300_000);
});
