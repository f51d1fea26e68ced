import type { Outcome, OutcomeKind } from '../kafka/records.js';
import { emptyKindCounts, ISSUE_KINDS, itemKindOf, toIssueRow, utcDayStart, type IssueRow } from './outcome-rows.js';

/**
 * The daily status log, with the counts of Microsoft's connector log (available, fanned out,
 * imported, partially imported, skipped as duplicate, failed), built from what the pipeline wrote:
 *
 * - available: distinct items (itemId) that reached route that day (records in `staged`);
 * - fannedOut: distinct (itemId, mailbox) import tasks route wrote that day (records in `imports`);
 * - each fanned-out copy gets exactly one state from the import outcomes that followed its task:
 *   imported, partial, skipped (duplicate), failed (dead-lettered), parked (on a retry topic,
 *   coming back by itself), or pending (no outcome yet), so that
 *   fannedOut = imported + partial + skipped + failed + parked + pending holds by construction.
 *   This is Microsoft's "available = imported + partial + skipped + failed", counted per
 *   mailbox-item; pending is 0 once the pipeline has drained.
 * - rejected (too large, at limit), unmapped (a participant with no mailbox, at route) and
 *   failedUpstream (dead-lettered by hydrate to route) never become import tasks; they are
 *   counted beside the identity, not in it, and listed as rows.
 *
 * Pure: records in, log out. Days are UTC days. Record times are Kafka record timestamps.
 */
export interface StagedSeen { itemId: string; at: number }
export interface TaskSeen { itemId: string; mailbox: string; at: number }
export interface LogInputs { staged: Iterable<StagedSeen>; tasks: Iterable<TaskSeen>; outcomes: Iterable<Outcome> }

export interface DaySummary {
  date: string;
  /** The last import outcome that decided one of this day's copies (Microsoft: import completion time). */
  completedAt: string | null;
  available: number;
  fannedOut: number;
  imported: number;
  partial: number;
  skipped: number;
  failed: number;
  parked: number;
  pending: number;
  rejected: number;
  unmapped: number;
  /** Distinct items a processor before import dead-lettered that day (never fanned out). */
  failedUpstream: number;
  note: string | null;
  /** Of `available`, how many of each kind (the whole conversation: docs/operations.md). */
  availableMessages: number;
  availableMemberships: number;
  availableRooms: number;
  availableActions: number;
  availableTranscripts: number;
  /** In-meeting chat message versions and meeting transcripts (src/capture/meeting-item.ts). */
  availableMeetingMessages: number;
  availableMeetingTranscripts: number;
}

export interface DayLog { summary: DaySummary; items: IssueRow[] }
export interface DailyLog { generatedAt: string; from: string; to: string; days: DayLog[] }

const DAY_MS = 24 * 3600 * 1000;
type CopyState = 'imported' | 'partial' | 'skipped' | 'failed' | 'parked';
// When one copy has several outcomes (a retry after a failure, a replay), the best one stands:
// a copy that was imported once is in the mailbox, whatever a later replay reported. A copy that
// never arrived is in its latest state: parked and then dead-lettered is failed; failed, redriven
// and parked again is parked.
const SUCCESS: readonly CopyState[] = ['imported', 'partial', 'skipped'];
const IMPORT_STATE: Partial<Record<OutcomeKind, CopyState>> = { imported: 'imported', partial: 'partial', duplicate: 'skipped', failed: 'failed', parked: 'parked' };

export function buildDailyLog(inputs: LogInputs, opts: { fromDay: string; toDay: string; now: Date; clockSkewMs?: number }): DailyLog {
  const skew = opts.clockSkewMs ?? 5 * 60_000;
  const from = parseDay(opts.fromDay);
  const to = parseDay(opts.toDay);
  const dayKey = (t: number) => new Date(utcDayStart(new Date(t))).toISOString().slice(0, 10);

  const availableByDay = new Map<string, Set<string>>();
  for (const s of inputs.staged) addTo(availableByDay, dayKey(s.at), s.itemId);

  // First task time of each copy per day: a copy routed twice in a day (redelivery) counts once.
  const tasksByDay = new Map<string, Map<string, number>>();
  for (const t of inputs.tasks) {
    const day = dayKey(t.at);
    const copies = tasksByDay.get(day) ?? new Map<string, number>();
    const key = copyKey(t.itemId, t.mailbox);
    copies.set(key, Math.min(copies.get(key) ?? Infinity, t.at));
    tasksByDay.set(day, copies);
  }

  const importOutcomes = new Map<string, { state: CopyState; at: number; iso: string }[]>();
  const issuesByDay = new Map<string, IssueRow[]>();
  for (const o of inputs.outcomes) {
    const at = Date.parse(o.at);
    const state = IMPORT_STATE[o.kind];
    if (o.processor === 'import' && state && o.mailbox) {
      const list = importOutcomes.get(copyKey(o.itemId, o.mailbox)) ?? [];
      list.push({ state, at, iso: o.at });
      importOutcomes.set(copyKey(o.itemId, o.mailbox), list);
    }
    if (ISSUE_KINDS.has(o.kind)) {
      const list = issuesByDay.get(dayKey(at)) ?? [];
      list.push(toIssueRow(o));
      issuesByDay.set(dayKey(at), list);
    }
  }

  const days: DayLog[] = [];
  for (let t = from; t <= to; t += DAY_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    const copies = tasksByDay.get(date) ?? new Map<string, number>();
    const states: Record<CopyState | 'pending', number> = { imported: 0, partial: 0, skipped: 0, failed: 0, parked: 0, pending: 0 };
    let completedAt: string | null = null;
    for (const [key, taskAt] of copies) {
      const after = (importOutcomes.get(key) ?? []).filter((o) => o.at >= taskAt - skew);
      const latest = after.filter((o) => !SUCCESS.includes(o.state)).sort((a, b) => b.at - a.at).slice(0, 1);
      const best = [...SUCCESS.map((s) => after.filter((o) => o.state === s)), latest].find((l) => l.length > 0);
      if (!best) { states.pending++; continue; }
      states[best[0]!.state]++;
      const decidedAt = best.reduce((m, o) => (o.iso < m ? o.iso : m), best[0]!.iso);
      if (!completedAt || decidedAt > completedAt) completedAt = decidedAt;
    }
    const items = (issuesByDay.get(date) ?? []).sort((a, b) => a.at.localeCompare(b.at) || a.itemId.localeCompare(b.itemId));
    const available = availableByDay.get(date)?.size ?? 0;
    const rejected = items.filter((i) => i.kind === 'rejected').length;
    const unmapped = items.filter((i) => i.kind === 'unmapped').length;
    const failedUpstream = new Set(items.filter((i) => i.kind === 'failed' && i.processor !== 'import').map((i) => i.itemId)).size;
    const nothing = available === 0 && copies.size === 0 && items.length === 0;
    const kinds = emptyKindCounts();
    for (const itemId of availableByDay.get(date) ?? []) kinds[itemKindOf(itemId)]++;
    days.push({
      summary: {
        date, completedAt, available, fannedOut: copies.size, ...states, rejected, unmapped, failedUpstream,
        note: nothing ? `No items ingested on ${date}` : null,
        availableMessages: kinds.message, availableMemberships: kinds.membership, availableRooms: kinds.room, availableActions: kinds.action, availableTranscripts: kinds.transcript,
        availableMeetingMessages: kinds['meeting-message'], availableMeetingTranscripts: kinds['meeting-transcript'],
      },
      items,
    });
  }
  return { generatedAt: opts.now.toISOString(), from: opts.fromDay, to: opts.toDay, days };
}

/** A YYYY-MM-DD day as midnight UTC; anything else is a programmer or usage error upstream. */
export function parseDay(day: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return Date.parse(`${day}T00:00:00Z`);
}

function copyKey(itemId: string, mailbox: string): string {
  return `${itemId}\u0000${mailbox.toLowerCase()}`;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}
