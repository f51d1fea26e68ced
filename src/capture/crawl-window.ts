/**
 * Pure planning for the incremental crawl: from the checkpoint (minus an overlap, because the
 * Events API can show an event a little after its time) up to now, in windows small enough that
 * a crash repeats at most one window.
 */
export interface CrawlWindow { from: string; to: string }

export function planWindows(checkpoint: string | null, now: Date, opts: { overlapMinutes: number; windowMinutes: number; firstRunLookbackHours: number }): CrawlWindow[] {
  const end = now.getTime();
  const start = checkpoint
    ? Date.parse(checkpoint) - opts.overlapMinutes * 60_000
    : end - opts.firstRunLookbackHours * 3600_000;
  const windows: CrawlWindow[] = [];
  const step = opts.windowMinutes * 60_000;
  for (let t = start; t < end; t += step) {
    windows.push({ from: new Date(t).toISOString(), to: new Date(Math.min(t + step, end)).toISOString() });
  }
  return windows;
}

/** Next daily run at HH:MM UTC strictly after `now`. */
export function nextDailyRun(now: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next;
}
