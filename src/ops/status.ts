import type { GroupLag } from './lag.js';
import { OUTCOME_KINDS } from './outcome-rows.js';
import type { StatusReport } from './status-report.js';

/**
 * `webex-archiver status` for people: one line per stage, then its partitions, the crawler and
 * today's outcome counts. Pure formatting of a StatusReport; `--json` prints the report itself.
 */
export function formatStatus(report: StatusReport, opts: { partitions?: boolean } = {}): string {
  const lines: string[] = [`webex-archiver status at ${report.generatedAt}`, ''];
  lines.push(row(['stage', 'group', 'state', 'members', 'lag', 'last commit']));
  for (const g of report.groups) {
    lines.push(row([g.processor, g.groupId, g.state, String(g.members), g.error ? '-' : String(g.lagSum), g.error ? `error: ${g.error}` : lastCommit(g)]));
    for (const p of g.partitions) {
      if (p.stalledSince) lines.push(`    STALLED ${g.topic}[${p.partition}] since ${p.stalledSince}${p.stallCode ? ` (${p.stallCode})` : ''}: a record is retried in place past WXA_MAX_ATTEMPTS; see the processor's log`);
    }
    if (opts.partitions !== false && !g.error) {
      for (const p of g.partitions) {
        lines.push(`    ${g.topic}[${p.partition}] committed=${p.committed ?? '-'} low=${p.low} high=${p.high} lag=${p.lag}`);
      }
    }
  }
  const c = report.crawler;
  lines.push('', 'crawler');
  lines.push(`  last run started  ${c.lastRunStartedAt ?? 'never'}`);
  lines.push(`  last checkpoint   ${c.lastCheckpointAt ?? 'none'}`);
  lines.push(c.events
    ? `  events            up to ${c.events.cursor}${c.events.complete ? ' (run complete)' : ' (run in progress or interrupted)'}, ${c.events.published} published`
    : '  events            no checkpoint yet');
  if (c.backfill.roomsInLastRun > 0 || c.backfill.roomsDone > 0) lines.push(`  backfill          ${c.backfill.roomsDone} rooms done, ${c.backfill.published} published in the last run`);
  lines.push('', `outcomes today (${report.today.date}, UTC)`);
  lines.push('  ' + OUTCOME_KINDS.map((k) => `${k}=${report.today.counts[k]}`).join('  '));
  const r = report.recovery;
  const waiting = r.waiting ? r.waiting.reduce((s, w) => s + w.records, 0) : null;
  lines.push('', 'not in a mailbox yet');
  lines.push(`  dead letters today ${r.failedToday}   list: ${r.commands.listDeadLetters}`);
  lines.push(`  parked today       ${r.parkedToday}   waiting on the retry topics now: ${waiting ?? 'unknown'}   list: ${r.commands.listParked}`);
  if (report.recentIssues.length > 0) {
    lines.push('', 'latest failed, parked, rejected and unmapped items');
    for (const i of report.recentIssues.slice(0, 10)) {
      lines.push(`  ${i.at} ${i.kind} ${i.processor} item=${i.itemId} mailbox=${i.mailbox ?? i.participantEmail ?? '-'} ${i.reason}${i.redrive ? `   redrive: ${i.redrive}` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}

function lastCommit(g: GroupLag): string {
  if (!g.lastCommitAt) return g.partitions.some((p) => p.committed !== null) ? 'unknown' : 'never';
  return g.lastCommitSource === 'observed' ? `${g.lastCommitAt} (observed)` : g.lastCommitAt;
}

const WIDTHS = [8, 44, 20, 8, 10, 0];
function row(cells: string[]): string {
  return cells.map((c, i) => (WIDTHS[i] ? c.padEnd(WIDTHS[i]!) : c)).join(' ').trimEnd();
}
