import { Readable } from 'node:stream';
import { cachedReader } from '../../blob/read-cache.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import type { ImportTask } from '../../kafka/records.js';
import type { ProcessorSpec } from '../../kafka/runner.js';
import type { MailboxSink } from '../../sinks/sink.js';
import { outcome } from '../shared/outcome.js';
import { importTask } from './transform.js';

/** Items appended at once per partition (a busy mailbox's on up to 2 IMAP connections, or Graph's 4 requests in flight). */
export const IMPORT_KEY_CONCURRENCY = 8;

export function importProcessor(deps: { config: Config; blob: BlobStore; sink: MailboxSink }): ProcessorSpec<ImportTask> {
  const { blob, sink, config } = deps;
  const read = cachedReader((c, n) => blob.openRead(c, n));
  const exclusive = createKeyedMutex();
  return {
    name: 'import',
    input: 'imports',
    chunkSize: 50,
    keyConcurrency: IMPORT_KEY_CONCURRENCY,
    // Items of one mailbox are independent appends (each checked by Message-ID first), so they run
    // at once too: queued behind one another, a mailbox that is in every space (or the fallback
    // mailbox) was the tail of capture latency. The same item twice (a redelivery within a chunk)
    // waits for the first, so its Message-ID check sees that append. Outcomes keep input order.
    ordering: 'none',
    transform: (task) => exclusive(`${task.mailbox}\n${task.messageId}`, () => importTask(task, { sink, folder: config.mailFolder, open: async (t) => (t.inline ? Readable.from([t.inline]) : read(t.container, t.blobName, t.size)), now: () => new Date() })),
    onDeadLetter: (task, err) => task ? [outcome('failed', 'import', task, { mailbox: task.mailbox, participantEmail: task.participantEmail, reason: `${err.code}: ${err.message}`, size: task.size })] : [],
  };
}
