import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blob/store.js';
import type { Config } from '../config/schema.js';
import { ArchiverError } from '../errors.js';
import type { Kafka } from 'kafkajs';
import type { RawMessage } from '../kafka/records.js';
import type { Serde } from '../kafka/serde.js';
import { topicName } from '../kafka/topics.js';
import { readTopic } from '../kafka/read-topic.js';
import { CLOCK_SLACK_MS } from '../processors/transcript/index.js';
import { dayRange } from '../processors/transcript/transform.js';
import { daysBetween, toConversationDays } from './conversation.js';
import { assembleSlice } from './assemble.js';
import { rsmfFileName } from './file-name.js';
import { planSlices, type PlannedSlice } from './slices.js';
import { readAll } from '../memory/read-all.js';

/**
 * The RSMF export: reads the raw message versions the archive holds (webex.raw.v1) and their
 * attachments (blob storage), never Webex, and writes one .rsmf per conversation per UTC day
 * (split into slices when over the limits). The read starts at the first day by Kafka's time
 * index, less an hour for clocks that disagree, and runs to the end offsets seen at the start:
 * a version is always captured after it happened, so nothing of the days is before that point.
 *
 * Every manifest is checked against Relativity's schema before it is written (an invalid one
 * is a programmer error, not an export). A slice whose attachment cannot be read is counted as
 * failed with the reason and the others are still written: the caller exits non-zero.
 */
export interface RsmfFile { name: string; roomId: string; day: string; index: number; count: number; events: number; versions: number; attachments: number; size: number; sha256: string }
export interface RsmfFailure { name: string; roomId: string; day: string; reason: string }
export interface RsmfExport { read: number; files: RsmfFile[]; failed: RsmfFailure[] }

export type RsmfWriter = (name: string, bytes: Buffer) => Promise<void>;

/** Writes each file to a private blob container under its name (the daily mode's copy). */
export function blobWriter(blob: BlobStore, container: string): RsmfWriter {
  return async (name, bytes) => {
    await blob.putStream(container, name, Readable.from([bytes]), { contentType: 'message/rfc822', expectedSize: bytes.length });
  };
}

export interface RsmfExportDeps {
  kafka: Kafka;
  serde: Serde;
  blob: BlobStore;
  config: Pick<Config, 'topicPrefix' | 'rsmfMaxEvents' | 'rsmfMaxBytes'>;
}

export async function exportRsmf(
  deps: RsmfExportDeps,
  opts: { from: string; to: string; rooms?: readonly string[]; writers: readonly RsmfWriter[]; progress?: (read: number) => void },
): Promise<RsmfExport> {
  const days = daysBetween(opts.from, opts.to);
  if (days.length === 0) throw new ArchiverError('BAD_INPUT', `--to ${opts.to} is before --from ${opts.from}`);
  const start = dayRange(opts.from).start;
  const end = dayRange(opts.to).end;
  const records: RawMessage[] = [];
  let seen = 0;
  const read = await readTopic<RawMessage>(deps.kafka, deps.serde, topicName(deps.config, 'raw'), (raw) => {
    opts.progress?.(++seen);
    if (!raw) return;
    const at = Date.parse(raw.versionAt);
    if (at >= start && at < end) records.push(raw);
  }, { sinceMs: start - CLOCK_SLACK_MS, timeoutMs: 30 * 60_000 });
  const limits = { maxEvents: deps.config.rsmfMaxEvents, maxBytes: deps.config.rsmfMaxBytes };
  const files: RsmfFile[] = [];
  const failed: RsmfFailure[] = [];
  for (const conv of toConversationDays(records, days, opts.rooms ?? [])) {
    for (const slice of planSlices(conv, limits)) {
      const name = rsmfFileName(slice.header);
      try {
        const bytes = await renderSlice(deps.blob, slice);
        for (const write of opts.writers) await write(name, bytes);
        files.push({
          name, roomId: conv.roomId, day: conv.day, index: slice.header.index, count: slice.header.count,
          events: slice.built.manifest.events.length, versions: slice.built.versions, attachments: slice.built.files.length,
          size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      } catch (err) {
        if (err instanceof ArchiverError && err.code === 'INTERNAL') throw err;
        failed.push({ name, roomId: conv.roomId, day: conv.day, reason: (err as Error).message });
      }
    }
  }
  return { read, files, failed };
}

/** The .rsmf bytes of one slice: attachments read from blob storage and checked against their size and SHA-256. */
export async function renderSlice(blob: BlobStore, slice: PlannedSlice): Promise<Buffer> {
  const data: Buffer[] = [];
  for (const f of slice.built.files) {
    const bytes = await readAll(await blob.openRead(f.file.container, f.file.blobName));
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== f.file.size || (f.file.sha256 && sha !== f.file.sha256)) {
      throw new ArchiverError('BAD_RECORD', `attachment ${f.file.name} (${f.file.container}/${f.file.blobName}): blob has ${bytes.length} bytes, SHA-256 ${sha}; the record says ${f.file.size}, ${f.file.sha256}`);
    }
    data.push(bytes);
  }
  return assembleSlice(slice, data);
}

