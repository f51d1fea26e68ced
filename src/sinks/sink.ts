import type { Readable } from 'node:stream';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { createGraphSink } from './graph/graph-sink.js';
import { createImapSink } from './imap.js';
import { createMaildirSink } from './maildir.js';
import type { Kafka } from 'kafkajs';
import type { Publisher } from '../kafka/publisher.js';
import type { Serde } from '../kafka/serde.js';
import { createSmtpLedger } from './smtp/ledger.js';
import { createSmtpSink } from './smtp/smtp-sink.js';

/**
 * Where archived items land. The contract is idempotency: `importItem` looks the Message-ID up
 * first and reports `duplicate` instead of storing a second copy, so replays and redeliveries are
 * harmless. Failures are ArchiverErrors whose `retriable` flag tells the runner what to do.
 */
export interface ImportRequest {
  mailbox: string;
  folder: string;
  messageId: string;
  date: Date;
  size: number;
  open: () => Promise<Readable>;
}

export interface MailboxSink {
  name: string;
  importItem(item: ImportRequest): Promise<{ status: 'imported' | 'duplicate'; ref?: string }>;
  countItems?(mailbox: string, folder: string): Promise<number>;
  close(): Promise<void>;
}

/** Kafka access, for the sinks that keep state there (the SMTP sink's ledger). */
export interface SinkKafka { kafka: Kafka; serde: Serde; publisher: Publisher }

export function createSink(config: Config, logger: Logger, rt?: SinkKafka): MailboxSink {
  switch (config.sink) {
    case 'maildir': return createMaildirSink({ root: config.maildirRoot });
    case 'imap': return createImapSink(config, logger);
    case 'graph': return createGraphSink(config, logger);
    case 'smtp': {
      if (!rt) throw new Error('the SMTP sink needs Kafka for its ledger');
      return createSmtpSink(config, logger, createSmtpLedger({ ...rt, config }));
    }
  }
}
