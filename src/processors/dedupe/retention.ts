/**
 * The seen set with a retention: item id → when dedupe first passed it on, in minutes since the
 * epoch (a small integer, which V8 stores unboxed in a Map: about a third less memory per entry at
 * a million entries than milliseconds). Retention exists because the set would otherwise grow
 * without end and be re-read whole on every rebalance, while what can arrive again is bounded:
 * Webex redelivers and the crawler overlaps within the compliance Events window (90 days,
 * https://developer.webex.com/docs/api/v1/events), and replays of our own topics within their
 * 30-day retention (src/kafka/topics.ts). Past it, a repeat passes dedupe and import's Message-ID
 * check makes it a `duplicate` outcome: a cost, never a loss.
 *
 * Entries are kept in insertion order, which is first-seen order (the changelog is read in offset
 * order and a re-added id moves to the end), so expiry looks only at the oldest entries.
 */
export type SeenTimes = Map<string, number>;

export const toMinutes = (ms: number): number => Math.floor(ms / 60_000);

/** Records an id as first seen at `ms`, at the end of the order. */
export function remember(seen: SeenTimes, itemId: string, ms: number): void {
  seen.delete(itemId);
  seen.set(itemId, toMinutes(ms));
}

/** True when an entry first seen at `ms` is past the retention at `nowMs`. */
export function isExpired(ms: number, nowMs: number, retentionMs: number): boolean {
  return ms < nowMs - retentionMs;
}

/** Removes and returns up to `max` of the oldest ids first seen before `cutoffMs`. */
export function takeExpired(seen: SeenTimes, cutoffMs: number, max: number): string[] {
  const cutoff = toMinutes(cutoffMs);
  const out: string[] = [];
  for (const [id, minutes] of seen) {
    if (minutes >= cutoff || out.length >= max) break;
    out.push(id);
  }
  for (const id of out) seen.delete(id);
  return out;
}
