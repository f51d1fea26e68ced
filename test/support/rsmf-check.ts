import { simpleParser } from 'mailparser';
import type { RsmfManifest } from '../../src/rsmf/manifest.js';
import { rsmfManifestErrors } from '../../src/rsmf/schema.js';
import { unzip } from '../../src/rsmf/zip.js';

/**
 * What Relativity's validator checks of a whole .rsmf file (docs/rsmf.md), as far as we know it:
 * X-RSMF-Version first, exactly one attachment and it is rsmf.zip, the zip holds
 * rsmf_manifest.json, the manifest passes the 2.0.0 schema, and every reference in it (event
 * participants, conversations, parents, attachments, edits) resolves. Empty = valid.
 */
export async function rsmfFileProblems(bytes: Buffer): Promise<{ problems: string[]; manifest: RsmfManifest | null; zip: Map<string, Buffer> }> {
  const problems: string[] = [];
  const firstLine = bytes.subarray(0, 200).toString('latin1').split(/\r?\n/)[0] ?? '';
  if (!/^X-RSMF-Version: *2\.0\.0$/i.test(firstLine)) problems.push(`first header is not X-RSMF-Version: ${firstLine}`);
  const mail = await simpleParser(bytes);
  const atts = mail.attachments.filter((a) => a.contentDisposition === 'attachment' || a.filename);
  if (atts.length !== 1) problems.push(`the RSMF file has ${atts.length} attachments (${atts.map((a) => a.filename).join(', ')}); exactly one, rsmf.zip, is allowed`);
  const zipPart = atts.find((a) => a.filename?.toLowerCase() === 'rsmf.zip');
  if (!zipPart) return { problems: [...problems, 'no rsmf.zip attachment'], manifest: null, zip: new Map() };
  const zip = unzip(zipPart.content);
  const json = zip.get('rsmf_manifest.json');
  if (!json) return { problems: [...problems, 'rsmf.zip has no rsmf_manifest.json'], manifest: null, zip };
  const manifest = JSON.parse(json.toString('utf8')) as RsmfManifest;
  problems.push(...rsmfManifestErrors(manifest));
  if (problems.length) return { problems, manifest, zip };
  const people = new Set(manifest.participants.map((p) => p.id));
  const convs = new Set(manifest.conversations.map((c) => c.id));
  const events = new Set(manifest.events.map((e) => e.id));
  const referenced = new Set<string>();
  for (const c of manifest.conversations) for (const p of c.participants) if (!people.has(p)) problems.push(`conversation ${c.id}: unknown participant ${p}`);
  for (const e of manifest.events) {
    if (!people.has(e.participant)) problems.push(`event ${e.id}: unknown participant ${e.participant}`);
    if (!convs.has(e.conversation)) problems.push(`event ${e.id}: unknown conversation ${e.conversation}`);
    if (e.parent !== undefined && !events.has(e.parent)) problems.push(`event ${e.id}: parent ${e.parent} is not an event of the manifest`);
    for (const ed of e.edits ?? []) if (!people.has(ed.participant)) problems.push(`event ${e.id}: edit by unknown ${ed.participant}`);
    for (const a of e.attachments ?? []) {
      referenced.add(a.id);
      const data = zip.get(a.id);
      if (!data) problems.push(`event ${e.id}: attachment ${a.id} is not in rsmf.zip`);
      else if (data.length !== a.size) problems.push(`event ${e.id}: attachment ${a.id} is ${data.length} bytes, manifest says ${a.size}`);
    }
  }
  if (events.size !== manifest.events.length) problems.push('event ids are not unique');
  const count = Number(mail.headers.get('x-rsmf-eventcount'));
  if (count !== manifest.events.length) problems.push(`X-RSMF-EventCount ${count} but ${manifest.events.length} events`);
  for (const name of zip.keys()) if (name !== 'rsmf_manifest.json' && !referenced.has(name)) problems.push(`rsmf.zip holds ${name}, which no event references`);
  return { problems, manifest, zip };
}
