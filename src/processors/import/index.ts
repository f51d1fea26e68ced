import { Readable } from 'node:stream';
import { cachedReader } from '../../blob/read-cache.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import type { ImportTask } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { MailboxSink } from '../../sinks/sink.js';
import { outcome } from '../shared/outcome.js';
import { importTask } from './transform.js';


export function importProcessor(deps: { config: Config; blob: BlobStore; sink: MailboxSink }): ProcessorShell<'imports', 'outcomes'> {
  const { blob, sink, config } = deps;
  const read = cachedReader((c, n) => blob.openRead(c, n));
  const exclusive = createKeyedMutex();
  return {
    transform: (task) => exclusive(`${task.mailbox}\n${task.messageId}`, () => importTask(task, { sink, folder: config.mailFolder, open: async (t) => (t.inline ? Readable.from([t.inline]) : read(t.container, t.blobName, t.size)), now: () => new Date() })),
    onDeadLetter: (task, err) => task ? [outcome('failed', 'import', task, { mailbox: task.mailbox, participantEmail: task.participantEmail, reason: `${err.code}: ${err.message}`, size: task.size })] : [],
  };
}
