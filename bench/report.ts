import type { BigItemResult } from './big-item.js';
import type { Hop } from './hop-latency.js';
import type { Ceiling } from './ceilings.js';
import type { PageUse } from './page-capacity.js';
import type { StageSample } from './stage-sampler.js';
import { rate, round } from './stats.js';
import { writeReportFiles } from './report-files.js';

export interface BenchReport {
  at: string;
  org: { messages: number; versions: number; users: number; rooms: number };
  endToEnd: { ms: number; versions: number; mailboxItems: number; messagesPerSecond: number; itemsPerSecond: number };
  stages: (StageSample & { perSecond: number; peakPerSecond: number })[];
  ceilings: Ceiling[];
  ratios: { name: string; rate: number; ceiling: string; ceilingRate: number; ratio: number; target?: number }[];
  latency: { offeredPerSecond: number; seconds: number; count: number; p50: number; p95: number; p99: number; hops: Hop[] };
  resources: { cpuPercent: number; peakRssMb: number; rssGrowthMb: number; note: string };
  bigItem: BigItemResult | null;
  /** Each processor's own process (empty when they ran in the bench process). */
  processes: { name: string; cpuPercent: number; peakRssMb: number; rssGrowthMb: number; steadyGrowthMb: number }[];
  /** The pipeline phase: the machine's busy share and the servers' CPU. */
  machine: { machineBusyPercent: number; cores: number; servers: { name: string; cpuPercent: number }[] };
  /** The capture crawl against its plain Webex pass, and how full its list pages were. */
  crawl?: CrawlReport;
  settings: Record<string, unknown>;
}

export interface CrawlReport {
  ms: number;
  /** Raw records (message versions) the crawl published. */
  published: number;
  perSecond: number;
  /** Requests the simulator served during the crawl: all, and to GET /v1/events. */
  requests: number;
  eventsRequests: number;
  plainPass: Ceiling;
  /** The crawl's rate over the plain pass's. */
  ratio: number;
  pages: PageUse[];
}

/** The crawl's figures from what was counted and timed around it. */
export function crawlReport(c: { ms: number; published: number; requests: number; eventsRequests: number; plainPass: Ceiling; pages: PageUse[] }): CrawlReport {
  const perSecond = rate(c.published, c.ms);
  return { ...c, perSecond, ratio: c.plainPass.perSecond > 0 ? perSecond / c.plainPass.perSecond : 0 };
}

export function crawlSection(c: CrawlReport): string[] {
  const pct = (x: number | null) => (x === null ? '–' : `${round(x * 100)}%`);
  return [
    '## Crawl (capture from Webex into webex.raw.v1)',
    '',
    `- ${c.published} message versions in ${round(c.ms / 1000, 2)} s, ${round(c.perSecond)}/s: **${round(c.ratio * 100)}% of the plain Webex pass** (${round(c.plainPass.perSecond)}/s: ${c.plainPass.detail})`,
    `- ${c.requests} Webex requests, ${c.eventsRequests} of them to the Events API`,
    '',
    'Page capacity per list: the share of the `max` asked for that the items filled, over every call and over the calls that had a next page after them (a list\'s last page holds what remains).',
    '',
    '| list | calls | items | lists | filled, every call | filled, before the last page |',
    '|---|---|---|---|---|---|',
    ...c.pages.map((p) => `| ${p.path} | ${p.calls} | ${p.items} | ${p.lists} | ${pct(p.fill)} | ${pct(p.fillBeforeLast)} |`),
    '',
  ];
}

export function stageRate(s: StageSample): number {
  // Records over the time from the start of the run to the stage's last movement: a stage that
  // finishes within one sample still gets an honest (lower-bound) rate.
  return s.lastMs !== null && s.lastMs > s.startMs ? rate(s.records, s.lastMs - s.startMs) : 0;
}

/**
 * CPU milliseconds each process spent per message version and per mailbox item over the pipeline
 * phase (its CPU share of one core times the phase's length): where the cores go, ours and the
 * servers' side by side, from the same run.
 */
export function cpuPerItem(r: Pick<BenchReport, 'endToEnd' | 'processes' | 'machine'>): { name: string; cpuMs: number; perVersionMs: number; perItemMs: number }[] {
  const rows = [...r.processes.filter((p) => !Number.isNaN(p.cpuPercent)), ...r.machine.servers].map((p) => {
    const cpuMs = (p.cpuPercent / 100) * r.endToEnd.ms;
    return { name: p.name, cpuMs, perVersionMs: r.endToEnd.versions > 0 ? cpuMs / r.endToEnd.versions : 0, perItemMs: r.endToEnd.mailboxItems > 0 ? cpuMs / r.endToEnd.mailboxItems : 0 };
  });
  const sum = (k: 'cpuMs' | 'perVersionMs' | 'perItemMs') => rows.reduce((s, x) => s + x[k], 0);
  return rows.length ? [...rows, { name: 'all of the above', cpuMs: sum('cpuMs'), perVersionMs: sum('perVersionMs'), perItemMs: sum('perItemMs') }] : [];
}

function cpuSection(r: BenchReport): string[] {
  const rows = cpuPerItem(r);
  if (!rows.length) return [];
  return [
    '## CPU per item (pipeline phase)',
    '',
    `${r.endToEnd.versions} message versions, ${r.endToEnd.mailboxItems} mailbox items in ${round(r.endToEnd.ms / 1000)} s; the servers' figures include their child processes (Dovecot's imap sessions).`,
    '',
    '| process | CPU ms | ms per message version | ms per mailbox item |',
    '|---|---|---|---|',
    ...rows.map((x) => `| ${x.name} | ${Math.round(x.cpuMs)} | ${round(x.perVersionMs, 2)} | ${round(x.perItemMs, 2)} |`),
    '',
  ];
}

export function toMarkdown(r: BenchReport): string {
  const lines = [
    `# webex-archiver benchmark, ${r.at}`,
    '',
    `Organization: ${r.org.messages} messages (${r.org.versions} versions incl. edits and deletions), ${r.org.users} people, ${r.org.rooms} spaces.`,
    '',
    '## End to end (crawler capture → every mailbox over IMAP)',
    '',
    `- ${round(r.endToEnd.messagesPerSecond)} message versions/s, ${round(r.endToEnd.itemsPerSecond)} mailbox items/s (${r.endToEnd.mailboxItems} items in ${round(r.endToEnd.ms / 1000)} s)`,
    `- capture latency at ${round(r.latency.offeredPerSecond)} msg/s offered (about half the sustainable rate), ${r.latency.count} messages: p50 ${round(r.latency.p50 / 1000, 2)} s, p95 ${round(r.latency.p95 / 1000, 2)} s, p99 ${round(r.latency.p99 / 1000, 2)} s`,
    `- bench process (${r.resources.note}): CPU ${round(r.resources.cpuPercent)}% of one core, peak RSS ${round(r.resources.peakRssMb)} MB, RSS growth over the run ${round(r.resources.rssGrowthMb)} MB`,
    ...(r.bigItem ? [`- one ${round(r.bigItem.attachmentBytes / 1048576)} MB attachment to 2 mailboxes: **at most +${round(r.bigItem.worst.sizeCostMb, 1)} MB of peak RSS in any process** over a 1 MB control item (${r.bigItem.worst.process}, ${r.bigItem.worst.scenario}); per process below`] : []),
    '',
    ...(r.latency.hops.length ? ['## Capture latency by hop (live load)', '', 'From each topic to the next (record produce times), for the live messages: the work and the waiting of the step that wrote it.', '', '| hop | p50 s | p95 s | p99 s |', '|---|---|---|---|', ...r.latency.hops.map((h) => `| ${h.hop} | ${round(h.p50 / 1000, 3)} | ${round(h.p95 / 1000, 3)} | ${round(h.p99 / 1000, 3)} |`), ''] : []),
    ...(r.crawl ? crawlSection(r.crawl) : []),
    '## Ratios to raw ceilings measured in this run',
    '',
    '| what | rate /s | ceiling | ceiling /s | ratio | target |',
    '|---|---|---|---|---|---|',
    ...r.ratios.map((x) => `| ${x.name} | ${round(x.rate)} | ${x.ceiling} | ${round(x.ceilingRate)} | ${round(x.ratio * 100)}% | ${x.target ? `${x.target * 100}%` : ''} |`),
    '',
    '## Stages',
    '',
    '| stage | records | records/s | best 2 s, records/s | max lag |',
    '|---|---|---|---|---|',
    ...r.stages.map((s) => `| ${s.stage} | ${s.records} | ${round(s.perSecond)} | ${round(s.peakPerSecond)} | ${s.maxLag} |`),
    '',
    `Pipeline phase: the machine's ${r.machine.cores} cores were ${round(r.machine.machineBusyPercent)}% busy; ${r.machine.servers.map((x) => `${x.name} ${round(x.cpuPercent)}%`).join(', ')} of one core.`,
    '',
    ...cpuSection(r),
    ...(r.processes.length ? ['## Processes', '', `RSS growth is the mean of a series' last quarter minus that of its second quarter (the first is start-up): over the whole run (backlog, ceilings, live load), and over the ${round(r.latency.seconds)} s of steady live load alone.`, '', '| process | CPU % of one core (pipeline phase) | peak RSS MB | RSS growth over the run MB | RSS growth under steady load MB |', '|---|---|---|---|---|', ...r.processes.map((p) => `| ${p.name} | ${Number.isNaN(p.cpuPercent) ? '– (live phase only)' : round(p.cpuPercent)} | ${round(p.peakRssMb)} | ${round(p.rssGrowthMb)} | ${round(p.steadyGrowthMb)} |`), ''] : []),
    ...(r.bigItem ? bigItemSection(r.bigItem) : []),
    '## Ceilings',
    '',
    ...r.ceilings.map((c) => `- ${c.name}: ${round(c.perSecond)}/s (${c.detail}, ${round(c.ms / 1000, 2)} s)`),
    '',
    `Settings: ${JSON.stringify(r.settings)}`,
    '',
  ];
  return lines.join('\n');
}

export function writeReport(r: BenchReport, dir: string): { json: string; md: string } {
  return writeReportFiles(dir, 'bench', r.at, r, toMarkdown(r));
}

function bigItemSection(b: BigItemResult): string[] {
  const out = ['## Memory for one large attachment', '', `${b.note}.`, ''];
  for (const s of b.scenarios) {
    const names = Object.keys(s.sizeCostMb);
    out.push(`${s.name} (outcomes: ${s.items.map((i) => `${round(i.attachmentBytes / 1048576)} MB ${i.outcome}`).join(', ')}):`, '');
    out.push(`| process | ${s.items.map((i) => `rise at ${round(i.attachmentBytes / 1048576)} MB`).join(' | ')} | size cost |`, `|---|${s.items.map(() => '---|').join('')}---|`);
    for (const n of names) out.push(`| ${n} | ${s.items.map((i) => `${round(i.riseMb[n] ?? 0, 1)}`).join(' | ')} | ${round(s.sizeCostMb[n]!, 1)} |`);
    out.push('');
  }
  return out;
}
