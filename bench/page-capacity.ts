import type { WebexObserver } from '../src/webex/http.js';

/**
 * How full the crawl's list pages were: per list path, how many calls, how many items, and the
 * share of the page capacity asked for (`max`) that the items filled. A list's last page holds
 * whatever remains, so the share over the pages that had a next page after them says whether
 * the crawler asked for full pages; the share over all calls says what the calls cost per item.
 */
export interface PageUse {
  path: string;
  calls: number;
  items: number;
  /** Calls that ended a list (no next link): one per list read. */
  lists: number;
  /** items / (sum of `max` asked), over every call. */
  fill: number;
  /** The same over the calls that had a next page after them; null when every call ended its list. */
  fillBeforeLast: number | null;
}

interface Tally { calls: number; items: number; lists: number; capacity: number; itemsBefore: number; capacityBefore: number }

export function pageTally(): { observer: Pick<WebexObserver, 'onPage'>; summary(): PageUse[] } {
  const byPath = new Map<string, Tally>();
  return {
    observer: {
      onPage({ path, items, max, more }) {
        const t = byPath.get(path) ?? { calls: 0, items: 0, lists: 0, capacity: 0, itemsBefore: 0, capacityBefore: 0 };
        // Without `max` the service chose the page size; the page's own length is then its capacity.
        const capacity = max ?? items;
        t.calls++;
        t.items += items;
        t.capacity += capacity;
        if (more) { t.itemsBefore += items; t.capacityBefore += capacity; } else t.lists++;
        byPath.set(path, t);
      },
    },
    summary: () => [...byPath.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, t]) => ({
      path, calls: t.calls, items: t.items, lists: t.lists,
      fill: t.capacity ? t.items / t.capacity : 0,
      fillBeforeLast: t.capacityBefore ? t.itemsBefore / t.capacityBefore : null,
    })),
  };
}
