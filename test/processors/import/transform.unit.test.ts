import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ArchiverError } from '../../../src/errors.js';
import type { ImportTask } from '../../../src/kafka/records.js';
import { importTask } from '../../../src/processors/import/transform.js';
import type { ImportRequest, MailboxSink } from '../../../src/sinks/sink.js';

/** import's core with its sink port held in memory: the Message-ID check decides imported or duplicate. */
function memorySink(): MailboxSink & { requests: ImportRequest[] } {
  const ids = new Set<string>();
  const requests: ImportRequest[] = [];
  return {
    name: 'memory',
    requests,
    async importItem(item) {
      requests.push(item);
      const key = `${item.mailbox}\n${item.folder}\n${item.messageId}`;
      if (ids.has(key)) return { status: 'duplicate' };
      ids.add(key);
      return { status: 'imported' };
    },
    async close() {},
  };
}

const task = (over: Partial<ImportTask> = {}): ImportTask => ({
  itemId: 'item-1', webexMessageId: 'msg-1', roomId: 'room-1', messageId: '<m1@webex.example>', date: '2026-01-05T09:00:00.000Z',
  webexCreated: '2026-01-05T09:00:00.000Z', container: 'staging', blobName: 'items/a/b.eml', size: 42, sha256: 'a'.repeat(64), partial: false,
  inline: null, mailbox: 'alice@example.com', participantEmail: 'alice@example.com', viaFallback: false, ...over,
});

describe('import core', () => {
  const now = () => new Date('2026-01-05T10:00:00.000Z');
  const open = async () => Readable.from([Buffer.from('x')]);

  it('imports once, then reports duplicate for the same Message-ID in the same mailbox and folder', async () => {
    const sink = memorySink();
    const first = await importTask(task(), { sink, folder: 'Webex Teams', open, now });
    const again = await importTask(task(), { sink, folder: 'Webex Teams', open, now });
    expect(first.map((o) => o.value.kind)).toEqual(['imported']);
    expect(again[0]!.value).toMatchObject({ kind: 'duplicate', reason: 'Message-ID already in the mailbox', mailbox: 'alice@example.com', at: '2026-01-05T10:00:00.000Z' });
    expect(sink.requests[0]).toMatchObject({ mailbox: 'alice@example.com', folder: 'Webex Teams', messageId: '<m1@webex.example>', size: 42 });
    expect(sink.requests[0]!.date.toISOString()).toBe('2026-01-05T09:00:00.000Z');
  });

  it('a partial item (attachments stripped) is imported as partial, and says why', async () => {
    const [out] = await importTask(task({ partial: true }), { sink: memorySink(), folder: 'F', open, now });
    expect(out!.value).toMatchObject({ kind: 'partial', reason: expect.stringContaining('placeholders') });
  });

  it("the sink's failure reaches the runner unchanged (it decides retry, park or dead letter by the code)", async () => {
    const refusing: MailboxSink = { name: 'x', importItem: async () => { throw new ArchiverError('UNAVAILABLE', 'down'); }, close: async () => {} };
    await expect(importTask(task(), { sink: refusing, folder: 'F', open, now })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
