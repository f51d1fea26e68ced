import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import { fetchTopicOffsets } from '../../kafka/admin-offsets.js';
import type { Publisher } from '../../kafka/publisher.js';
import type { SmtpLedgerEntry } from '../../kafka/records.js';
import type { Serde } from '../../kafka/serde.js';
import { topicName } from '../../kafka/topics.js';

/**
 * The SMTP sink's ledger (webex.smtp.ledger.v1, compacted): SMTP has no "is it there already"
 * lookup, so what the server accepted is remembered here, keyed by target and Message-ID. An
 * entry is written only after the server answered 250 to DATA (DESIGN: a "done" record follows
 * the effect). A crash between the 250 and the entry resends that one item on replay; the archive
 * de-duplicates on its Message-ID.
 *
 * The ledger is followed, not read once: a consumer keeps reading the topic while the sink runs,
 * and an item not found is looked up again once that consumer has reached the topic's end as it
 * is at that moment. So an item another import instance journaled a moment ago (its other
 * participants' tasks may land anywhere: webex.imports.v1 is keyed by mailbox) is found, at the
 * cost of one ListOffsets request per item not yet in the ledger.
 */
export interface SmtpLedger {
  has(target: string, messageId: string): Promise<boolean>;
  record(entry: SmtpLedgerEntry): Promise<void>;
  close(): Promise<void>;
}

export function ledgerKey(target: string, messageId: string): string {
  return `${target.toLowerCase()}\n${messageId}`;
}

const CATCH_UP_TIMEOUT_MS = 60_000;

export function createSmtpLedger(deps: { kafka: Kafka; serde: Serde; publisher: Publisher; config: Pick<Config, 'topicPrefix'> }): SmtpLedger {
  const topic = topicName(deps.config, 'smtpLedger');
  const keys = new Set<string>();
  /** Per partition, the next offset the follower will read. */
  const next = new Map<number, bigint>();
  let consumer: Consumer | undefined;
  let admin: Admin | undefined;
  let started: Promise<void> | undefined;

  const start = () => (started ??= (async () => {
    admin = deps.kafka.admin();
    await admin.connect();
    // A group of its own that never commits: every process reads the whole ledger.
    consumer = deps.kafka.consumer({ groupId: `webex-archiver.smtp-ledger.${randomUUID()}`, maxWaitTimeInMs: 100, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const v = m.value ? await deps.serde.decode<SmtpLedgerEntry>(m.value) : null;
          if (v) keys.add(ledgerKey(v.target, v.messageId));
        }
        if (batch.messages.length) next.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
      },
    });
    await caughtUp();
  })().catch((err) => { started = undefined; throw err; }));

  /** Resolves once the follower has read every entry written before this call. */
  async function caughtUp(): Promise<void> {
    const ends = await fetchTopicOffsets(admin!, topic);
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    while (ends.some((e) => BigInt(e.high) > BigInt(e.low) && (next.get(e.partition) ?? BigInt(e.low)) < BigInt(e.high))) {
      if (Date.now() > deadline) throw new ArchiverError('TIMEOUT', `the SMTP ledger ${topic} was not read to its end within ${CATCH_UP_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return {
    async has(target, messageId) {
      await start();
      const key = ledgerKey(target, messageId);
      if (keys.has(key)) return true;
      await caughtUp();
      return keys.has(key);
    },
    async record(entry) {
      await start();
      await deps.publisher.publish([{ topic: 'smtpLedger', key: ledgerKey(entry.target, entry.messageId), value: entry }]);
      keys.add(ledgerKey(entry.target, entry.messageId));
    },
    async close() {
      await consumer?.disconnect().catch(() => undefined);
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
