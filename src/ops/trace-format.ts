import { TOPICS } from '../kafka/topics.js';
import type { StagePosition, TraceReport } from './trace.js';

/** `trace` for a terminal: one block per version, stage by stage, then each mailbox's outcome. */
export function formatTrace(r: TraceReport): string {
  if (!r.found) {
    return `Nothing in Kafka names ${r.query} (as a Webex message id or an item id).\n${scannedLine(r)}\n`;
  }
  const lines = [`message ${r.webexMessageId ?? '?'}${r.roomId ? `  room ${r.roomId}` : ''}`, `  ${r.versions.length} version(s), ${r.deliveries.length} webhook delivery(ies)`];
  for (const d of r.deliveries) lines.push(`  webhook   ${TOPICS.webhooks.base} p${d.partition}@${d.offset}  ${d.event}  delivery ${d.deliveryId}  ${consumed({ ...d, consumedBy: 'hydrate' })}`);
  for (const v of r.versions) {
    lines.push('', `version ${v.event} ${v.versionAt ?? ''}  item ${v.itemId}  (captured by ${v.sources.join(', ') || '?'}; furthest: ${v.reached ? TOPICS[v.reached].base : 'nowhere'})`);
    for (const s of v.stages) {
      for (const p of s.positions) lines.push(`  ${s.topic.padEnd(9)} ${TOPICS[s.topic].base} p${p.partition}@${p.offset}  ${p.writtenAt}  ${consumed(p)}`);
    }
    if (v.limit) lines.push(`  limit     ${v.limit.decision}: ${v.limit.encodedBytes} of ${v.limit.limitBytes} bytes${v.limit.strippedCount ? `, ${v.limit.strippedCount} attachment(s) stripped` : ''}`);
    if (v.staged) {
      const b = v.staged.blob;
      const check = !b ? 'not checked' : !b.present ? 'MISSING from blob storage' : b.matches ? 'present, size and SHA-256 match' : `present but DIFFERENT: ${b.size} bytes, sha256 ${b.sha256}`;
      lines.push(`  blob      ${v.staged.container}/${v.staged.blobName}  ${v.staged.size} bytes  sha256 ${v.staged.sha256}  (${check})`);
    }
    for (const m of v.mailboxes) {
      const last = m.outcomes.at(-1);
      const task = m.task ? `task p${m.task.partition}@${m.task.offset}` : 'no task';
      lines.push(`  mailbox   ${m.mailbox.padEnd(32)} ${m.state.padEnd(10)} ${last ? `${last.at}${last.reason ? `  ${last.reason}` : ''}` : ''}  (${task}${m.viaFallback ? ', via fallback' : ''}${m.outcomes.length > 1 ? `; outcomes: ${m.outcomes.map((o) => o.kind).join(' → ')}` : ''})`);
    }
    for (const o of v.otherOutcomes) lines.push(`  outcome   ${o.kind} by ${o.processor}${o.participantEmail ? ` for ${o.participantEmail}` : ''}  ${o.at}  ${o.reason}`);
    for (const d of v.deadLetters) lines.push(`  dead letter from ${d.processor} (${d.errorCode}: ${d.reason}) at ${d.at}; once fixed: ${d.redrive}`);
  }
  for (const d of r.deadLetters) lines.push('', `dead letter from ${d.processor} (${d.errorCode}: ${d.reason}) at ${d.at}; once fixed: ${d.redrive}`);
  lines.push('', scannedLine(r));
  return lines.join('\n') + '\n';
}

function consumed(p: Pick<StagePosition, 'consumed' | 'consumedBy'>): string {
  if (p.consumed === null || !p.consumedBy) return '';
  return p.consumed ? `done by ${p.consumedBy}` : `waiting for ${p.consumedBy}`;
}

function scannedLine(r: TraceReport): string {
  return `read ${r.scanned.reduce((n, s) => n + s.records, 0)} records, every traced topic from its earliest retained record to its end`;
}
