import type { RsmfManifest } from './manifest.js';

/**
 * The readable rendering of a slice that goes in the body of the .rsmf message: review platforms
 * index the body for text search, not the manifest (docs/rsmf.md). Derived from the manifest
 * alone, so body and manifest cannot disagree. Times are UTC.
 */
export function transcriptText(manifest: RsmfManifest, slice: { day: string; index: number; count: number }): string {
  const names = new Map(manifest.participants.map((p) => [p.id, p.email ? `${p.display ?? p.email} <${p.email}>` : (p.display ?? p.id)]));
  const conv = manifest.conversations[0]!;
  const kind = conv.custom?.find((c) => c.name === 'Webex room type')?.value ?? conv.type;
  const team = conv.custom?.find((c) => c.name === 'Webex team')?.value;
  const time = (iso: string) => iso.slice(11, 19);
  const lines = [
    `Webex conversation: ${conv.display ?? conv.id} (${kind}${team ? `, team ${team}` : ''})`,
    `Day: ${slice.day} (UTC)${slice.count > 1 ? `, part ${slice.index} of ${slice.count}` : ''}; ${manifest.events.length} messages`,
    `Participants: ${manifest.participants.map((p) => names.get(p.id)).join(', ')}`,
    '',
  ];
  const byId = new Map(manifest.events.map((e) => [e.id, e]));
  for (const e of manifest.events) {
    const day = e.timestamp.slice(0, 10);
    const when = day === slice.day ? time(e.timestamp) : `${day} ${time(e.timestamp)}`;
    if (e.type !== 'message') { lines.push(`[${when}] ${e.body}`); continue; }
    const parent = e.parent ? byId.get(e.parent) : undefined;
    lines.push(`[${when}] ${names.get(e.participant) ?? e.participant}:${parent ? ` (reply to ${names.get(parent.participant) ?? parent.participant} at ${time(parent.timestamp)})` : ''}`);
    for (const l of (e.body || '(no text)').split(/\r?\n/)) lines.push(`    ${l}`);
    for (const ed of e.edits ?? []) lines.push(`    (edited at ${time(ed.timestamp)}${ed.previous !== undefined ? `; before: ${oneLine(ed.previous)}` : ''})`);
    for (const a of e.attachments ?? []) lines.push(`    [attachment: ${a.display}, ${a.size} bytes]`);
    for (const c of e.custom ?? []) {
      if (c.name === 'Deleted at') lines.push(`    (deleted at ${time(c.value)})`);
      if (c.name === 'Attachment not captured') lines.push(`    [attachment not captured: ${c.value}]`);
      if (c.name === 'Thread parent outside this slice') lines.push(`    (reply in a thread started earlier: ${c.value})`);
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
