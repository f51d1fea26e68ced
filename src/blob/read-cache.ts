import { Readable } from 'node:stream';
import { readAll } from '../memory/read-all.js';

/**
 * A small LRU of recently read small blobs. One staged .eml is imported into every participant's
 * mailbox, so the import stage reads each one several times in quick succession; keeping the last
 * few megabytes saves those downloads. Large blobs are always streamed, never cached. Reads of
 * one blob that overlap (the fan-out of one item runs for several mailboxes at once) share one
 * download instead of each missing the cache.
 */
export function cachedReader(read: (container: string, name: string) => Promise<Readable>, opts: { maxBytes?: number; maxItemBytes?: number } = {}) {
  // A fan-out reads one item within the same chunk (50 records), so a few MB of recent items do;
  // the bench saw a 64 MB cache as 60 MB of steady growth in import.
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const maxItem = opts.maxItemBytes ?? 1024 * 1024;
  const cache = new Map<string, Buffer>();
  const inFlight = new Map<string, Promise<Buffer>>();
  let bytes = 0;
  return async (container: string, name: string, size: number): Promise<Readable> => {
    const key = `${container}/${name}`;
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return Readable.from([hit]);
    }
    if (size > maxItem) return read(container, name);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = (async () => readAll(await read(container, name)))();
      inFlight.set(key, pending);
      void pending.then((data) => {
        cache.set(key, data);
        bytes += data.length;
        evict();
      }, () => undefined).finally(() => inFlight.delete(key));
    }
    return Readable.from([await pending]);
  };

  function evict(): void {
    for (const [k, v] of cache) {
      if (bytes <= maxBytes) break;
      cache.delete(k);
      bytes -= v.length;
    }
  }
}
