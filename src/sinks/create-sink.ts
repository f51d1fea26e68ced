import type { Kafka } from 'kafkajs';
import type { Config } from '../config/schema.js';
import type { Publisher } from '../kafka/publisher.js';
import type { Serde } from '../kafka/serde.js';
import type { Logger } from '../log.js';
import { createGraphSink } from './graph/graph-sink.js';
import { createImapSink } from './imap.js';
import { createMaildirSink } from './maildir.js';
import type { MailboxSink } from './sink.js';
import { createSmtpLedger } from './smtp/ledger.js';
import { createSmtpSink } from './smtp/smtp-sink.js';

/** Kafka access, for the sinks that keep state there (the SMTP sink's ledger). */
export interface SinkKafka { kafka: Kafka; serde: Serde; publisher: Publisher }

/** The configured destination (WXA_SINK). Apart from sink.ts, so the sinks' shared contract imports none of them. */
export function createSink(config: Config, logger: Logger, rt?: SinkKafka): MailboxSink {
  switch (config.sink) {
    case 'maildir': return createMaildirSink({ root: config.maildirRoot });
    case 'imap': return createImapSink(config, logger);
    case 'graph': return createGraphSink(config, logger);
    case 'smtp': {
      if (!rt) throw new Error('the SMTP sink needs Kafka for its ledger (pass the runtime)');
      return createSmtpSink(config, logger, createSmtpLedger({ ...rt, config }));
    }
  }
}
