import type { Readable } from 'node:stream';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { createGraphSink } from './graph/graph-sink.js';
import { createImapSink } from './imap.js';
import { createMaildirSink } from './maildir.js';

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

export function createSink(config: Config, logger: Logger): MailboxSink {
  switch (config.sink) {
    case 'maildir': return createMaildirSink({ root: config.maildirRoot });
    case 'imap': return createImapSink(config, logger);
    case 'graph': return createGraphSink(config, logger);
  }
}
