import { describe, expect, it } from 'vitest';
import type { FileRef, RawMessage } from '../../src/kafka/records.js';
import { assembleSlice } from '../../src/rsmf/assemble.js';
import { toConversationDays, versionItemId } from '../../src/rsmf/conversation.js';
import type { RsmfEvent } from '../../src/rsmf/manifest.js';
import { rsmfManifestErrors } from '../../src/rsmf/schema.js';
import { planSlices } from '../../src/rsmf/slices.js';
import { sampleRaw } from '../support/samples.js';

const DAY = '2026-01-05';
const base = sampleRaw();

function raw(i: number, event: RawMessage['event'], minuteOffset: number, files: FileRef[] = []): RawMessage {
  const created = new Date(Date.parse(`${DAY}T00:00:00.000Z`) + i * 3_000).toISOString();
  const at = new Date(Date.parse(created) + minuteOffset * 60_000).toISOString();
  return sampleRaw({ event, versionAt: at, capturedAt: at, files, message: { ...base.message, id: `m${i}`, created, text: `message ${i} ${event}` } });
}

/** Versions an event stands for: its post (when in the slice), each edit, the deletion. */
function versionsOf(e: RsmfEvent): string[] {
  const posted = !(e.custom ?? []).some((c) => c.name === 'Posted before this slice');
  return [...(posted ? [`${e.id}:created`] : []), ...(e.edits ?? []).map((ed) => `${e.id}:updated:${ed.timestamp}`), ...(e.deleted ? [`${e.id}:deleted`] : [])];
}

describe('RSMF slicing', () => {
  it('splits a busy day into slices of at most 10,000 events that together hold every version once', () => {
    const records: RawMessage[] = [];
    for (let i = 0; i < 25_003; i++) {
      records.push(raw(i, 'created', 0));
      if (i % 7 === 0) records.push(raw(i, 'updated', 1));
      if (i % 11 === 0) records.push(raw(i, 'deleted', 2));
    }
    const conv = toConversationDays(records, [DAY])[0]!;
    const slices = planSlices(conv, { maxEvents: 10_000, maxBytes: 2 * 1024 * 1024 * 1024 });
    expect(slices.map((s) => s.built.manifest.events.length)).toEqual([10_000, 10_000, 5_003]);
    expect(new Set(slices.map((s) => s.built.manifest.eventcollectionid)).size).toBe(1);
    expect(slices.map((s) => `${s.header.index}/${s.header.count}`)).toEqual(['1/3', '2/3', '3/3']);
    const held = slices.flatMap((s) => s.built.manifest.events.flatMap(versionsOf));
    expect(held).toHaveLength(records.length);
    expect(new Set(held).size).toBe(records.length);
    for (const s of slices) expect(rsmfManifestErrors(s.built.manifest)).toEqual([]);
  });

  it('splits by size, exactly, and gives a message larger than the limit a slice of its own', () => {
    const file = (i: number, size: number): FileRef => ({
      contentId: `c${i}`, url: '', name: `f${i}.bin`, contentType: 'application/octet-stream', size,
      sha256: '', container: 'attachments', blobName: `b${i}`, status: 'stored',
    });
    const records: RawMessage[] = [];
    for (let i = 0; i < 40; i++) records.push(raw(i, 'created', 0, [file(i, i === 17 ? 1_500_000 : 90_000)]));
    const maxBytes = 1024 * 1024;
    const slices = planSlices(toConversationDays(records, [DAY])[0]!, { maxEvents: 10_000, maxBytes });
    const big = slices.filter((s) => s.size > maxBytes);
    expect(big).toHaveLength(1);
    expect(big[0]!.built.manifest.events.map((e) => e.id)).toEqual(['m17']);
    for (const s of slices) if (s !== big[0]) expect(s.size).toBeLessThanOrEqual(maxBytes);
    expect(slices.length).toBeGreaterThanOrEqual(5);
    expect(slices.flatMap((s) => s.built.manifest.events.map((e) => e.id))).toEqual(records.map((r) => r.message.id));
    // The planned size is the real size.
    const s0 = slices[0]!;
    expect(assembleSlice(s0, s0.built.files.map((f) => Buffer.alloc(f.file.size, 1))).length).toBe(s0.size);
    expect(new Set(records.map(versionItemId)).size).toBe(40);
  });
});
