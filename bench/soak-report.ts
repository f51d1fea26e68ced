import type { MailboxDiff } from './expected-mailboxes.js';
import { growthMb, type RoleStats } from './supervisor.js';
import { round } from './stats.js';
import { writeReportFiles } from './report-files.js';

export interface SoakReport {
  at: string;
  minutes: number;
  seconds: number;
  org: { messages: number; versions: number; users: number; rooms: number };
  faults: { name: string; atSeconds: number; detail: string }[];
  roles: Omit<RoleStats, 'lastOutput'>[];
  crawlPublished: number;
  rawRecords: number;
  mailboxCount: number;
  items: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  notCaptured: string[];
  problems: MailboxDiff[];
}

/** Passed: nothing lost, nothing twice, nothing that should not be there, every version captured. */
export function soakPassed(r: SoakReport): boolean {
  return r.lost === 0 && r.duplicated === 0 && r.unexpected === 0 && r.notCaptured.length === 0 && r.items > 0;
}

export function soakMarkdown(r: SoakReport): string {
  return [
    `# webex-archiver fault soak, ${r.at}: ${soakPassed(r) ? 'PASSED' : 'FAILED'}`,
    '',
    `${r.org.messages} messages (${r.org.versions} versions), ${r.org.users} people, ${r.org.rooms} spaces, played live over ${r.minutes} min; ${r.seconds} s in all.`,
    '',
    `- mailboxes: ${r.mailboxCount}, items expected: ${r.items}, **lost: ${r.lost}, duplicated: ${r.duplicated}**, unexpected: ${r.unexpected}`,
    `- versions never captured: ${r.notCaptured.length}; raw records: ${r.rawRecords} (the reconciliation crawl added ${r.crawlPublished})`,
    '',
    '## Faults',
    '',
    ...r.faults.map((f) => `- at ${f.atSeconds} s, ${f.name}: ${f.detail}`),
    '',
    '## Processes',
    '',
    'RSS growth: the mean of the last quarter of the role\'s last process\'s RSS samples (one a second) minus that of the second quarter; with `--faults` without `kills`, that process lived through the whole soak.',
    '',
    '| process | starts | SIGKILLs | exits on its own | peak RSS MB | RSS growth MB (over its last process\'s life) |',
    '|---|---|---|---|---|---|',
    ...r.roles.map((x) => `| ${x.name} | ${x.starts} | ${x.kills} | ${x.unexpectedExits} | ${round(x.peakRssMb)} | ${round(growthMb(x.rssSeries))} (${x.rssSeries.length} s) |`),
    '',
    ...(r.problems.length ? ['## Problems', '', ...r.problems.map((d) => `- ${d.mailbox}: held ${d.held}, expected ${d.expected}; missing ${d.missing.join(' ')}; twice ${d.duplicated.join(' ')}; unexpected ${d.unexpected.join(' ')}`), ''] : []),
  ].join('\n');
}

export function writeSoakReport(r: SoakReport, dir: string): { json: string; md: string } {
  return writeReportFiles(dir, 'soak', r.at, r, soakMarkdown(r));
}
