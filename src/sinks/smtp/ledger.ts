import type { Kafka } from 'kafkajs';
import type { Publisher } from '../../kafka/publisher.js';
import { readTopicToEnd } from '../../kafka/read-topic.js';
import type { SmtpLedgerEntry } from '../../kafka/records.js';
import type { Serde } from '../../kafka/serde.js';
import { topicName } from '../../kafka/topics.js';
import type { Config } from '../../config/schema.js';

/**
 * The SMTP sink's ledger (webex.smtp.ledger.v1, compacted): SMTP has no "is it there already"
 * lookup, so what the server accepted is remembered here, keyed by target and Message-ID. An
 * entry is written only after the server answered 250 to DATA (DESIGN: a "done" record follows
 * the effect), and the whole topic is read once at start-up. A crash between the 250 and the
 * entry resends that one item on replay; the archive de-duplicates on its Message-ID.
 */
export interface SmtpLedger {
  has(target: string, messageId: string): Promise<boolean>;
  record(entry: SmtpLedgerEntry): Promise<void>;
}

export function ledgerKey(target: string, messageId: string): string {
  return `${target.toLowerCase()}\n${messageId}`;
}

export function createSmtpLedger(deps: { kafka: Kafka; serde: Serde; publisher: Publisher; config: Pick<Config, 'topicPrefix'> }): SmtpLedger {
  let loaded: Promise<Set<string>> | undefined;
  const load = () => (loaded ??= (async () => {
    const keys = new Set<string>();
    await readTopicToEnd<SmtpLedgerEntry>(deps.kafka, deps.serde, topicName(deps.config, 'smtpLedger'), (v, key) => {
      if (v) keys.add(ledgerKey(v.target, v.messageId));
      else if (key) keys.delete(key);
    });
    return keys;
  })().catch((err) => { loaded = undefined; throw err; }));
  return {
    async has(target, messageId) {
      return (await load()).has(ledgerKey(target, messageId));
    },
    async record(entry) {
      const keys = await load();
      await deps.publisher.publish([{ topic: 'smtpLedger', key: ledgerKey(entry.target, entry.messageId), value: entry }]);
      keys.add(ledgerKey(entry.target, entry.messageId));
    },
  };
}
