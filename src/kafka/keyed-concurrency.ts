export interface MapByKeyOptions<T> {
  /**
   * A key's records are cut into runs of at most this many, and runs of one key may be in flight
   * at once: for independent records that gain from being taken key by key (one mailbox's appends
   * on one IMAP session) without one busy key becoming the chunk's single lane.
   */
  runLength?: number;
  /**
   * Records of one key for which this holds may be worked on together (up to `limit` of them)
   * when they follow one another; any other record of the key waits for all before it and holds
   * up all after it. Hydrate's message deliveries are reads (a busy room's hundred messages need
   * not wait for one another), a membership delivery changes what the room's next messages see.
   */
  together?: (item: T) => boolean;
}

/**
 * Runs `work` over a chunk of records with up to `limit` keys in flight at once, records of one key
 * strictly in order (a mailbox's appends, a room's versions) unless `opts` says otherwise, and
 * returns the results in the chunk's original order so outputs and commits stay deterministic.
 */
export async function mapByKey<T, R>(items: readonly T[], keyOf: (item: T) => string | null, limit: number, work: (item: T) => Promise<R>, opts: MapByKeyOptions<T> = {}): Promise<R[]> {
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
  const queue = [...groups.values()].flatMap((g) => splitRuns(g, opts.runLength ?? Infinity));
  const together = opts.together;
  const runGroup = async (g: number[]) => {
    for (let s = 0; s < g.length;) {
      if (!together?.(items[g[s]!]!)) {
        results[g[s]!] = await work(items[g[s]!]!);
        s++;
        continue;
      }
      let e = s;
      while (e < g.length && together(items[g[e]!]!)) e++;
      const segment = g.slice(s, e);
      s = e;
      await inLanes(segment.length, limit, async (j) => { results[segment[j]!] = await work(items[segment[j]!]!); });
    }
  };
  await inLanes(queue.length, limit, (q) => runGroup(queue[q]!));
  return results;
}

/** Calls `each(0 .. count-1)` in index order from up to `limit` lanes, each lane taking the next index when it is free. */
async function inLanes(count: number, limit: number, each: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    for (let i = next++; i < count; i = next++) await each(i);
  }));
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

/**
 * Runs `work` over `items`, up to `limit` at once, and hands the results to `emit` in input order,
 * in runs of up to `runLength`, as soon as a run's records are all done. One run is emitted at a
 * time and the work goes on meanwhile, so the crawler's publish (a Kafka round trip) no longer
 * stops its Webex reads, and no lane idles at the end of a fixed batch waiting for its slowest
 * item. Resolves once every run is emitted; on a failure no run past the failed item is emitted.
 */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, runLength: number, work: (item: T) => Promise<R>, emit: (run: R[]) => Promise<void>): Promise<void> {
  const results = new Array<R>(items.length);
  const done = new Array<boolean>(items.length).fill(false);
  let emitted = 0;
  let emitting = Promise.resolve();
  let failed = false;
  const emitReady = () => {
    for (;;) {
      let end = emitted;
      while (end < items.length && done[end] && end - emitted < runLength) end++;
      // A run goes when it is full, or when it ends the list.
      if (end === emitted || (end - emitted < runLength && end < items.length)) return;
      const run = results.slice(emitted, end);
      emitted = end;
      emitting = emitting.then(() => emit(run));
    }
  };
  try {
    await inLanes(items.length, limit, async (i) => {
      // After a failure the lanes only drain: nothing past it would be emitted.
      if (failed) return;
      try {
        results[i] = await work(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
      done[i] = true;
      emitReady();
    });
  } catch (err) {
    emitting.catch(() => undefined);
    throw err;
  }
  await emitting;
}
