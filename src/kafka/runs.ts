/**
 * Splits items, in order, into consecutive runs of at most `maxCount` items whose sizes add up to
 * at most `maxBytes`; an item larger than `maxBytes` goes alone. The publisher cuts its sends this
 * way (a broker refuses a record batch over message.max.bytes), and the runner its chunks (what a
 * chunk's records fan out to is held in memory until the chunk is published).
 */
export function splitIntoRuns<T>(items: readonly T[], sizeOf: (item: T) => number, limits: { maxBytes: number; maxCount?: number }): T[][] {
  const maxCount = limits.maxCount ?? Infinity;
  const runs: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (bytes + size > limits.maxBytes || current.length >= maxCount)) { runs.push(current); current = []; bytes = 0; }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}
