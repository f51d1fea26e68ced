import type { ConversationDay, MessageVersions } from './conversation.js';
import { rsmfFileSize, type SliceHeader } from './eml.js';
import { buildManifest, type BuiltManifest } from './manifest.js';
import { transcriptText } from './transcript-text.js';
import { zipSize } from './zip.js';

/**
 * Splits a conversation-day into RSMF slices that each stay within the limits: at most
 * `maxEvents` events (Relativity: 10,000 per file) and at most `maxBytes` for the whole .rsmf
 * (Relativity: 2 GB; older Server releases recommended 200 MB). Messages stay whole (all of a
 * message's versions of the day are one event) and in order; the slices share an
 * eventcollectionid. Sizes are exact, computed from the blob sizes without reading a byte: a
 * greedy pass by estimate, then any slice over the limit is halved until it fits. A single
 * message larger than the limit gets a slice of its own rather than being left out.
 */
export interface SliceLimits { maxEvents: number; maxBytes: number }

export const RSMF_MAX_EVENTS = 10_000;
/** rsmf.zip has no ZIP64 (zip.ts): keep well under its 65,535 entries. */
const MAX_ZIP_ENTRIES = 60_000;
const MANIFEST_NAME = 'rsmf_manifest.json';

export interface PlannedSlice {
  header: SliceHeader;
  built: BuiltManifest;
  manifestJson: Buffer;
  body: string;
  /** Exact size of the .rsmf file in bytes. */
  size: number;
}

export function planSlices(conv: ConversationDay, limits: SliceLimits): PlannedSlice[] {
  const groups = greedy(conv.messages, limits).flatMap((g) => fit(conv, g, limits));
  return groups.map((g, i) => finalize(conv, g, i + 1, groups.length));
}

function estimate(m: MessageVersions): { bytes: number; files: number } {
  let bytes = 800;
  let files = 0;
  for (const v of m.versions) {
    bytes += 3 * Buffer.byteLength(v.message.text ?? v.message.markdown ?? '', 'utf8') + 200;
    for (const f of v.files) { bytes += f.size + 2 * Buffer.byteLength(f.name, 'utf8') + 120; files++; }
  }
  return { bytes: Math.ceil(bytes * 1.4), files };
}

function greedy(messages: readonly MessageVersions[], limits: SliceLimits): MessageVersions[][] {
  const out: MessageVersions[][] = [];
  let cur: MessageVersions[] = [];
  let bytes = 0;
  let files = 0;
  for (const m of messages) {
    const e = estimate(m);
    if (cur.length > 0 && (cur.length + 1 > limits.maxEvents || bytes + e.bytes > limits.maxBytes || files + e.files > MAX_ZIP_ENTRIES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
      files = 0;
    }
    cur.push(m);
    bytes += e.bytes;
    files += e.files;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Halves a group until its exact size fits (the estimate is only a first cut). */
function fit(conv: ConversationDay, group: MessageVersions[], limits: SliceLimits): MessageVersions[][] {
  if (group.length <= 1) return [group];
  // Part numbers are unknown while splitting: measure with the longest that could occur.
  const s = finalize(conv, group, 99_999, 99_999);
  if (s.size <= limits.maxBytes && s.built.files.length <= MAX_ZIP_ENTRIES) return [group];
  const half = Math.ceil(group.length / 2);
  return [...fit(conv, group.slice(0, half), limits), ...fit(conv, group.slice(half), limits)];
}

function finalize(conv: ConversationDay, group: MessageVersions[], index: number, count: number): PlannedSlice {
  const built = buildManifest(conv.roomId, conv.day, group);
  const manifestJson = Buffer.from(JSON.stringify(built.manifest, null, 1), 'utf8');
  const header: SliceHeader = { roomId: conv.roomId, day: conv.day, index, count, begin: built.begin, end: built.end, attachmentCount: built.files.length };
  const body = transcriptText(built.manifest, { day: conv.day, index, count });
  const zipBytes = zipSize([{ name: MANIFEST_NAME, size: manifestJson.length }, ...built.files.map((f) => ({ name: f.zipName, size: f.file.size }))]);
  return { header, built, manifestJson, body, size: rsmfFileSize(built.manifest, header, body, zipBytes) };
}

export { MANIFEST_NAME };
