import type { CrawlerCheckpoint } from '../kafka/records.js';

/**
 * Pure planning for the incremental crawl. One range from the checkpoint (minus an overlap,
 * because the Events API can show an event a little after its time) up to now, read at page
 * capacity; no fixed windows, so an empty quarter costs one request per resource, not one per
 * window. How a range is read and checkpointed, and why: docs/architecture.md, "The crawl".
 */
export interface CrawlRange { from: string; to: string }

/** Where an interrupted range stands: the resource whose list was being read, and its next page (null: that list was finished). */
export interface RangeResume { resource: string; nextPage: string | null }

export interface RangePlan { range: CrawlRange; resume?: RangeResume }

/**
 * The range to read next. A checkpoint with `rangeTo` was interrupted inside [cursor, rangeTo):
 * that range is finished first, from where it stood (the caller plans again afterwards, from
 * `rangeTo`). Otherwise everything before `cursor` is read, and the range runs from an overlap
 * before it (or the first run's look-back) to now; undefined when that is empty.
 */
export function planRange(cp: Pick<CrawlerCheckpoint, 'cursor' | 'rangeTo' | 'resource' | 'nextPage'> | undefined, now: Date, opts: { overlapMinutes: number; firstRunLookbackHours: number }): RangePlan | undefined {
  if (cp?.rangeTo) return { range: { from: cp.cursor, to: cp.rangeTo }, resume: { resource: cp.resource ?? '', nextPage: cp.nextPage ?? null } };
  const end = now.getTime();
  const start = cp ? Date.parse(cp.cursor) - opts.overlapMinutes * 60_000 : end - opts.firstRunLookbackHours * 3600_000;
  if (start >= end) return undefined;
  return { range: { from: new Date(start).toISOString(), to: now.toISOString() } };
}

/** The resources still to read of `resources`, in order, and the page to start the first at. */
export function remainingLists(resources: readonly string[], resume: RangeResume | undefined): { resource: string; startAt?: string }[] {
  if (!resume) return resources.map((resource) => ({ resource }));
  const at = resources.indexOf(resume.resource);
  // A resource this crawl does not read (the set changed between runs): read them all again.
  if (at < 0) return resources.map((resource) => ({ resource }));
  const rest = resources.slice(at + 1).map((resource) => ({ resource }));
  return resume.nextPage ? [{ resource: resume.resource, startAt: resume.nextPage }, ...rest] : rest;
}

/** Next daily run at HH:MM UTC strictly after `now`. */
export function nextDailyRun(now: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
