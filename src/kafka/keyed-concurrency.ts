/**
 * Runs `work` over a chunk of records with up to `limit` keys in flight at once, records of one key
 * strictly in order (a mailbox's appends, a room's versions), and returns the results in the
 * chunk's original order so outputs and commits stay deterministic.
 * With `runLength`, a key's records are cut into runs of at most that many, and runs of one key
 * may be in flight at once: for independent records that gain from being taken key by key (one
 * mailbox's appends on one IMAP session) without one busy key becoming the chunk's single lane.
 */
export async function mapByKey<T, R>(items: readonly T[], keyOf: (item: T) => string | null, limit: number, work: (item: T) => Promise<R>, runLength = Infinity): Promise<R[]> {
  const results = new Array<R>(items.length);
  if (limit <= 1) {
    for (let i = 0; i < items.length; i++) results[i] = await work(items[i]!);
    return results;
  }
  const groups = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = keyOf(item) ?? `\u0000${i}`;
    const g = groups.get(k);
    if (g) g.push(i); else groups.set(k, [i]);
  });
  const queue = [...groups.values()].flatMap((g) => splitRuns(g, runLength));
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let g = queue.shift(); g; g = queue.shift()) {
      for (const i of g) results[i] = await work(items[i]!);
    }
  }));
  return results;
}

function splitRuns(group: number[], runLength: number): number[][] {
  if (group.length <= runLength) return [group];
  const runs: number[][] = [];
  for (let i = 0; i < group.length; i += runLength) runs.push(group.slice(i, i + runLength));
  return runs;
}

/**
 * One at a time per key, across whatever calls come in concurrently: for effects on one named
 * thing (a staging blob) when records are otherwise worked on in parallel. Two concurrent block
 * uploads to one blob name can fail each other's commit; one after the other they are harmless.
 */
export function createKeyedMutex() {
  const tails = new Map<string, Promise<unknown>>();
  return async function runExclusive<R>(key: string, work: () => Promise<R>): Promise<R> {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
