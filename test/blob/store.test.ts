import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore, type BlobStore } from '../../src/blob/store.js';
import { testConfig } from '../support/config.js';

// Against the real Azurite blob service.
describe('blob store (Azurite)', () => {
  const config = testConfig();
  let store: BlobStore;
  beforeAll(async () => {
    store = createBlobStore(config);
    await store.ensureContainers();
  });

  it('streams a blob up and down, recording size and SHA-256', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 17);
    const stored = await store.putStream(config.stagingContainer, 'items/a.eml', Readable.from([bytes.subarray(0, 5_000_000), bytes.subarray(5_000_000)]), { contentType: 'message/rfc822' });
    expect(stored.size).toBe(bytes.length);
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Buffer.equals, not toEqual: a deep compare of 9 MB element by element takes tens of seconds.
    expect((await buffer(await store.openRead(config.stagingContainer, 'items/a.eml'))).equals(bytes)).toBe(true);
  });

  it('names content-addressed blobs by their SHA-256 and stores the same bytes once', async () => {
    const bytes = Buffer.from('the same attachment twice');
    const a = await store.putContentAddressed(config.attachmentsContainer, Readable.from([bytes]), { contentType: 'text/plain' });
    const b = await store.putContentAddressed(config.attachmentsContainer, Readable.from([bytes]), { contentType: 'text/plain' });
    expect(a.blobName).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(b).toEqual(a);
    expect(await buffer(await store.openRead(config.attachmentsContainer, a.blobName))).toEqual(bytes);
  });

  it('a content-addressed body past one Put Blob (4 MiB) streams through a temporary name, in many chunks, and reads back whole', async () => {
    const bytes = randomBytes(6 * 1024 * 1024 + 5);
    const pieces = Array.from({ length: 7 }, (_, i) => bytes.subarray(i * 1_000_000, Math.min(bytes.length, (i + 1) * 1_000_000)));
    const stored = await store.putContentAddressed(config.attachmentsContainer, Readable.from(pieces));
    expect(stored.size).toBe(bytes.length);
    expect(stored.blobName).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await buffer(await store.openRead(config.attachmentsContainer, stored.blobName))).equals(bytes)).toBe(true);
  });

  it('a small content-addressed body into a container that does not exist yet: created, one write', async () => {
    const name = `cas-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 12)}`;
    const bytes = Buffer.from('a small file');
    const stored = await store.putContentAddressed(name, Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]));
    expect(stored.blobName).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await buffer(await store.openRead(name, stored.blobName))).equals(bytes)).toBe(true);
  });

  it('keeps containers private: an anonymous read is refused', async () => {
    await store.putStream(config.attachmentsContainer, 'private-check', Readable.from([Buffer.from('secret')]));
    const res = await fetch(store.publicUrl(config.attachmentsContainer, 'private-check'));
    expect([401, 403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('secret');
  });

  it('reports a missing blob as NOT_FOUND', async () => {
    await expect(store.openRead(config.stagingContainer, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.properties(config.stagingContainer, 'nope')).toBeNull();
  });
});

describe('blob store against an endpoint that accepts connections and never answers', () => {
  it('fails each request with UNAVAILABLE (retriable) at its deadline instead of hanging', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = net.createServer((s) => { sockets.push(s); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const config = testConfig();
    const hung = createBlobStore({ ...config, blobConnectionString: config.blobConnectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1`) }, { requestTimeoutMs: 500 });
    try {
      const t0 = Date.now();
      const err = await hung.putStream(config.stagingContainer, 'items/x.eml', Readable.from([Buffer.from('x')]), { expectedSize: 1 }).then(() => null, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'UNAVAILABLE', retriable: true });
      expect(sockets.length).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeLessThan(30_000);
      await expect(hung.exists(config.stagingContainer, 'items/x.eml')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  }, 60_000);
});
