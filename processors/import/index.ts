import { Readable } from 'node:stream';
import { cachedReader } from '../../src/blob/read-cache.js';
import type { BlobStore } from '../../src/blob/store.js';
import type { Config } from '../../src/config/schema.js';
import type { ImportTask } from '../../src/kafka/records.js';
import type { ProcessorSpec } from '../../src/kafka/runner.js';
import type { MailboxSink } from '../../src/sinks/sink.js';
import { outcome } from '../shared/outcome.js';
import { importTask } from './transform.js';

/** Mailboxes appended to at once per partition (each has its own IMAP connection or Graph queue). */
export const IMPORT_KEY_CONCURRENCY = 8;

export function importProcessor(deps: { config: Config; blob: BlobStore; sink: MailboxSink }): ProcessorSpec<ImportTask> {
  const { blob, sink, config } = deps;
  const read = cachedReader((c, n) => blob.openRead(c, n));
  return {
    name: 'import',
    input: 'imports',
    chunkSize: 50,
    keyConcurrency: IMPORT_KEY_CONCURRENCY,
    transform: (task) => importTask(task, { sink, folder: config.mailFolder, open: async (t) => (t.inline ? Readable.from([t.inline]) : read(t.container, t.blobName, t.size)), now: () => new Date() }),
    onDeadLetter: (task, err) => task ? [outcome('failed', 'import', task, { mailbox: task.mailbox, participantEmail: task.participantEmail, reason: `${err.code}: ${err.message}`, size: task.size })] : [],
  };
}
