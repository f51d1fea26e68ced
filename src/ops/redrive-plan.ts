import { ArchiverError } from '../errors.js';

/**
 * Which dead letters (or parked records) a redrive sends back (pure). A candidate is one record of
 * webex.dead-letter.v1 or of a retry topic, with what it names: its origin and the item's ids.
 * Filters narrow by processor, time, error code and item; records redriven before (the ledger)
 * and repeats of one origin record are left out, so running the same redrive twice sends nothing
 * the second time.
 */
export interface RedriveCandidate {
  /** topic:partition:offset of the dead letter or parked record itself. */
  source: string;
  /** topic:partition:offset it came from; it goes back to that topic with its key and bytes. */
  origin: string;
  originTopic: string;
  processor: string;
  code: string;
  /** When it was dead-lettered or parked (ISO). */
  at: string;
  itemId: string;
  webexMessageId: string;
  mailbox: string | null;
  key: Buffer | null;
  value: Buffer | null;
}

export interface RedriveFilter { processor?: string; sinceMs?: number; code?: string; item?: string }

export interface RedriveSelection {
  selected: RedriveCandidate[];
  /** Matched the filters but were redriven before (in the ledger). */
  alreadyRedriven: number;
  /** Matched, but another dead letter of the same origin record is already selected. */
  repeats: number;
}

export function selectForRedrive(candidates: Iterable<RedriveCandidate>, filter: RedriveFilter, ledger: ReadonlySet<string>): RedriveSelection {
  const selected: RedriveCandidate[] = [];
  const origins = new Set<string>();
  let alreadyRedriven = 0;
  let repeats = 0;
  for (const c of candidates) {
    if (filter.processor && c.processor !== filter.processor) continue;
    if (filter.code && c.code !== filter.code) continue;
    if (filter.sinceMs !== undefined && !(Date.parse(c.at) >= filter.sinceMs)) continue;
    if (filter.item && ![c.itemId, c.webexMessageId, c.source, c.origin].includes(filter.item)) continue;
    if (ledger.has(c.source)) { alreadyRedriven++; continue; }
    if (origins.has(c.origin)) { repeats++; continue; }
    origins.add(c.origin);
    selected.push(c);
  }
  return { selected, alreadyRedriven, repeats };
}

/** --since: a UTC day (YYYY-MM-DD) or an ISO time with a zone. */
export function parseSince(raw: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : /(Z|[+-]\d{2}:\d{2})$/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw new ArchiverError('BAD_INPUT', `--since wants a day (YYYY-MM-DD, UTC) or an ISO time with a zone, got "${raw}"`);
  return t;
}

/** One line per candidate for --dry-run and the report: ids and codes, never message text. */
export function describeCandidate(c: RedriveCandidate): string {
  return `${c.at} ${c.processor} ${c.code} item=${c.itemId || '-'}${c.mailbox ? ` mailbox=${c.mailbox}` : ''} from ${c.origin} (${c.source})`;
}
