import { Readable } from 'node:stream';
import { cachedReader } from '../../blob/read-cache.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import type { ParkTopic } from '../../kafka/park-policy.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { Serde } from '../../kafka/serde.js';
import type { MailboxSink } from '../../sinks/sink.js';
import { importParkPolicy, importRetryProcessors } from './retry.js';
import { importTask } from './transform.js';

/** `retryTopics`: the stage's declared retry topics (src/pipeline/stages.ts). */
export function importProcessor(deps: { config: Config; blob: BlobStore; sink: MailboxSink; serde: Serde }, retryTopics: readonly ParkTopic[]): ProcessorShell<'imports', 'outcomes'> {
  const { blob, sink, config } = deps;
  const read = cachedReader((c, n) => blob.openRead(c, n));
  const exclusive = createKeyedMutex();
  return {
    transform: (task) => exclusive(`${task.mailbox}\n${task.messageId}`, () => importTask(task, { sink, folder: config.mailFolder, open: async (t) => (t.inline ? Readable.from([t.inline]) : read(t.container, t.blobName, t.size)), now: () => new Date() })),
    // A mailbox that is full, refuses us or is down must not hold up the others: after a few quick
    // attempts its task is parked on a retry topic (a `parked` outcome) and comes back when due.
    park: importParkPolicy(config, retryTopics),
    alongside: importRetryProcessors(deps, retryTopics),
  };
}
