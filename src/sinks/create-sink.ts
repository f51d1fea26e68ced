import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { createGraphSink } from './graph/graph-sink.js';
import { createImapSink } from './imap.js';
import { createMaildirSink } from './maildir.js';
import type { MailboxSink } from './sink.js';

/** The configured destination (WXA_SINK). Apart from sink.ts, so the sinks' shared contract imports none of them. */
export function createSink(config: Config, logger: Logger): MailboxSink {
  switch (config.sink) {
    case 'maildir': return createMaildirSink({ root: config.maildirRoot });
    case 'imap': return createImapSink(config, logger);
    case 'graph': return createGraphSink(config, logger);
  }
}
