import type { Readable } from 'node:stream';
import type { Output } from '../../kafka/publisher.js';
import type { ImportTask } from '../../kafka/records.js';
import type { MailboxSink } from '../../sinks/sink.js';
import { outcome } from '../../kafka/outcome.js';

/**
 * Appends one staged item to one mailbox folder. The sink looks the Message-ID up first, so a
 * replay or a redelivery reports `duplicate` instead of creating a second copy.
 */
export async function importTask(task: ImportTask, deps: { sink: MailboxSink; folder: string; open: (task: ImportTask) => Promise<Readable>; now: () => Date }): Promise<Output<'outcomes'>[]> {
  const result = await deps.sink.importItem({
    mailbox: task.mailbox,
    folder: deps.folder,
    messageId: task.messageId,
    date: new Date(task.date),
    size: task.size,
    open: () => deps.open(task),
  });
  const kind = result.status === 'duplicate' ? 'duplicate' : task.partial ? 'partial' : 'imported';
  return [outcome(kind, 'import', task, {
    mailbox: task.mailbox,
    participantEmail: task.participantEmail,
    size: task.size,
    reason: kind === 'partial' ? 'imported with oversized attachments replaced by placeholders' : kind === 'duplicate' ? 'Message-ID already in the mailbox' : null,
    at: deps.now().toISOString(),
  })];
}
