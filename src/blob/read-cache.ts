import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

/**
 * A small LRU of recently read small blobs. One staged .eml is imported into every participant's
 * mailbox, so the import stage reads each one several times in quick succession; keeping the last
 * few megabytes saves those downloads. Large blobs are always streamed, never cached.
 */
export function cachedReader(read: (container: string, name: string) => Promise<Readable>, opts: { maxBytes?: number; maxItemBytes?: number } = {}) {
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxItem = opts.maxItemBytes ?? 1024 * 1024;
  const cache = new Map<string, Buffer>();
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
    const data = await buffer(await read(container, name));
    cache.set(key, data);
    bytes += data.length;
    for (const [k, v] of cache) {
      if (bytes <= maxBytes) break;
      cache.delete(k);
      bytes -= v.length;
    }
    return Readable.from([data]);
  };
}
