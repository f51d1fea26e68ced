import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import type { Config } from '../config/schema.js';
import { ArchiverError } from '../errors.js';
import { classifyBlobAnswer, isAlreadyThere, isContainerMissing } from './blob-answer.js';
import { GC_EVERY_BYTES, gcPacedPassThrough, gcPacer } from '../memory/gc-pacer.js';

/**
 * The blob store (Azure Blob Storage; Azurite locally). Containers are private (no public access
 * level), names are deterministic so a rewrite after a crash lands on the same blob, and bodies
 * are streamed in blocks so memory stays flat for 100 MB files.
 */
export interface StoredBlob { container: string; blobName: string; size: number; sha256: string }

export interface BlobStore {
  /** The attachments and staging containers, and any `extra` ones (e.g. the RSMF exports'). */
  ensureContainers(extra?: readonly string[]): Promise<void>;
  /** Streams `body` to container/blobName, hashing as it goes. */
  /** `expectedSize` (when known and small) lets the store use a single Put Blob. */
  putStream(container: string, blobName: string, body: Readable, opts?: { contentType?: string; metadata?: Record<string, string>; expectedSize?: number }): Promise<StoredBlob>;
  /** Bytes already in memory (a small rendered item): one Put Blob, the buffer sent as it is. */
  putBytes(container: string, blobName: string, data: Buffer, opts?: { contentType?: string; metadata?: Record<string, string> }): Promise<StoredBlob>;
  /** Streams `body` to a temporary blob, then names it by its SHA-256 (content addressing). */
  putContentAddressed(container: string, body: Readable, opts?: { contentType?: string; metadata?: Record<string, string> }): Promise<StoredBlob>;
  openRead(container: string, blobName: string): Promise<Readable>;
  exists(container: string, blobName: string): Promise<boolean>;
  properties(container: string, blobName: string): Promise<{ size: number; metadata: Record<string, string> } | null>;
  publicUrl(container: string, blobName: string): string;
}

// Staged blocks of 512 KiB, 3 in flight: the SDK keeps CONCURRENCY buffers of BLOCK_SIZE per
// upload, so a large attachment costs about 1.5 MB of them, not its size (4 MiB blocks measured
// 16 MB more peak RSS per 100 MB item in the bench). 50,000 blocks per blob still allow 24 GiB.
const BLOCK_SIZE = 512 * 1024;
const SINGLE_PUT_MAX = 4 * 1024 * 1024;
const CONCURRENCY = 3;

// Every request gets a client-side deadline: the SDK has none of its own (its tryTimeoutInMs only
// asks the server), and a storage endpoint that accepts connections but never answers (Azurite
// has been seen spinning at 100% CPU) would otherwise hang a processor forever instead of failing
// with UNAVAILABLE and being retried. Streams get more time: they carry up to gigabytes.
const REQUEST_TIMEOUT_MS = 60_000;
const STREAM_TIMEOUT_MS = 30 * 60_000;

export function createBlobStore(config: Pick<Config, 'blobConnectionString' | 'attachmentsContainer' | 'stagingContainer'>, opts: { requestTimeoutMs?: number } = {}): BlobStore {
  const deadline = (ms = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS) => ({ abortSignal: AbortSignal.timeout(ms) });
  const service = BlobServiceClient.fromConnectionString(config.blobConnectionString);
  const containers = new Map<string, ContainerClient>();
  const container = (name: string) => {
    let c = containers.get(name);
    if (!c) { c = service.getContainerClient(name); containers.set(name, c); }
    return c;
  };

  /** One Put Blob of bytes in hand, sent as they are (no copy). */
  async function putBytes(containerName: string, blobName: string, data: Buffer, opts: { contentType?: string; metadata?: Record<string, string>; ifAbsent?: boolean } = {}): Promise<StoredBlob> {
    const headers = { blobHTTPHeaders: { blobContentType: opts.contentType ?? 'application/octet-stream' }, metadata: opts.metadata };
    // If-None-Match: * for a content-addressed name: whoever wrote it first wrote these same bytes,
    // so its 409 BlobAlreadyExists or 412 ConditionNotMet is success.
    const conditions = opts.ifAbsent ? { conditions: { ifNoneMatch: '*' } } : {};
    const put = () => container(containerName).getBlockBlobClient(blobName).upload(data, data.length, { ...headers, ...conditions, ...deadline() })
      .catch((err: unknown) => { if (opts.ifAbsent && isAlreadyThere(err)) return undefined; throw err; });
    // The bytes are in hand, so a missing container is created and the Put Blob sent again.
    await wrap(`upload ${containerName}/${blobName}`, () => put().catch(async (err: unknown) => {
      if (!isContainerMissing(err)) throw err;
      await createContainer(containerName);
      return put();
    }));
    return { container: containerName, blobName, size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  async function upload(containerName: string, blobName: string, body: Readable, opts: { contentType?: string; metadata?: Record<string, string>; expectedSize?: number } = {}): Promise<StoredBlob> {
    if (opts.expectedSize !== undefined && opts.expectedSize <= SINGLE_PUT_MAX) {
      // Small bodies (most chat items): one Put Blob instead of staged blocks. uploadStream would
      // allocate block buffers of 4 MB x concurrency for a few kilobytes.
      const chunks: Buffer[] = [];
      for await (const c of body) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
      return putBytes(containerName, blobName, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), opts);
    }
    const hash = createHash('sha256');
    let size = 0;
    const pace = gcPacer();
    // Hash and count on the way through; the SDK reads the stream in blocks (flat memory).
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) { hash.update(chunk); size += chunk.length; pace(chunk.length); cb(null, chunk); },
    });
    body.once('error', (err) => hashing.destroy(err));
    body.pipe(hashing);
    await wrap(`upload ${containerName}/${blobName}`, () => container(containerName).getBlockBlobClient(blobName).uploadStream(hashing, BLOCK_SIZE, CONCURRENCY, {
      ...deadline(STREAM_TIMEOUT_MS),
      blobHTTPHeaders: { blobContentType: opts.contentType ?? 'application/octet-stream' },
      metadata: opts.metadata,
    }).catch(async (err: unknown) => {
      // A stream cannot be sent twice: create the container and let the caller retry with a fresh one.
      if (!isContainerMissing(err)) throw err;
      await createContainer(containerName);
      throw new ArchiverError('UNAVAILABLE', `blob upload ${containerName}/${blobName}: the container was missing and is created now; try again`, { cause: err });
    }));
    return { container: containerName, blobName, size, sha256: hash.digest('hex') };
  }

  /** No `access` option: the container is private; every read needs the account key or a SAS. */
  async function createContainer(name: string): Promise<void> {
    await wrap(`create container ${name}`, () => container(name).createIfNotExists(deadline()));
  }

  return {
    async ensureContainers(extra = []) {
      for (const name of [config.attachmentsContainer, config.stagingContainer, ...extra]) await createContainer(name);
    },
    putStream: upload,
    putBytes,
    async putContentAddressed(containerName, body, opts) {
      // Most files are small: with the whole body in hand its SHA-256 is its name before anything
      // is sent, so it is one Put Blob (If-None-Match: *) instead of a temporary blob, an exists
      // check, a copy and a delete. Only a body past SINGLE_PUT_MAX takes the streamed path below.
      const head = await wrap(`read body for ${containerName}`, () => readHead(body, SINGLE_PUT_MAX));
      if (head.ended) {
        const bytes = head.chunks.length === 1 ? head.chunks[0]! : Buffer.concat(head.chunks);
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        return putBytes(containerName, sha256, bytes, { ...opts, ifAbsent: true });
      }
      body = head.rest;
      const tmpName = `tmp/${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const stored = await upload(containerName, tmpName, body, opts);
      const finalName = stored.sha256;
      const target = container(containerName).getBlockBlobClient(finalName);
      if (!(await wrap('exists', () => target.exists(deadline())))) {
        // Server-side copy within the account; then drop the temporary name. Only if the name is
        // still free (If-None-Match: *): a writer of the same bytes that got there first answers
        // 409 BlobAlreadyExists or 412 ConditionNotMet, and for a content-addressed name that is
        // success (the same SHA-256 is the same bytes).
        const source = container(containerName).getBlockBlobClient(tmpName);
        const ifAbsent = { conditions: { ifNoneMatch: '*' } };
        await wrap(`copy to ${finalName}`, () => target.syncCopyFromURL(source.url, { ...deadline(), ...ifAbsent }).catch(async (err: unknown) => {
          if (isAlreadyThere(err)) return undefined as never;
          // Azurite and small accounts: fall back to a streamed re-upload when sync copy is refused.
          if (err instanceof RestError && (err.statusCode === 403 || err.statusCode === 404 || err.statusCode === 400) && !isContainerMissing(err) && classifyBlobAnswer('copy', err).code !== 'AUTH_FAILED') {
            const dl = await source.download(0, undefined, deadline(STREAM_TIMEOUT_MS));
            await target.uploadStream(dl.readableStreamBody as Readable, BLOCK_SIZE, CONCURRENCY, { ...deadline(STREAM_TIMEOUT_MS), ...ifAbsent, blobHTTPHeaders: { blobContentType: opts?.contentType ?? 'application/octet-stream' }, metadata: opts?.metadata }).catch((e: unknown) => {
              if (!isAlreadyThere(e)) throw e;
            });
            return undefined as never;
          }
          throw err;
        }));
      }
      await container(containerName).getBlockBlobClient(tmpName).deleteIfExists(deadline()).catch(() => undefined);
      return { ...stored, blobName: finalName };
    },
    async openRead(containerName, blobName) {
      const res = await wrap(`download ${containerName}/${blobName}`, () => container(containerName).getBlobClient(blobName).download(0, undefined, deadline(STREAM_TIMEOUT_MS)));
      if (!res.readableStreamBody) throw new ArchiverError('UNAVAILABLE', `download ${containerName}/${blobName}: no body`);
      const body = res.readableStreamBody as Readable;
      // Small blobs need no pacing; large ones go through a counter (see gc-pacer.ts).
      if ((res.contentLength ?? 0) <= GC_EVERY_BYTES) return body;
      const counted = gcPacedPassThrough();
      body.once('error', (err) => counted.destroy(err));
      return body.pipe(counted);
    },
    async exists(containerName, blobName) {
      return wrap('exists', () => container(containerName).getBlobClient(blobName).exists(deadline()));
    },
    async properties(containerName, blobName) {
      try {
        const p = await container(containerName).getBlobClient(blobName).getProperties(deadline());
        return { size: p.contentLength ?? 0, metadata: p.metadata ?? {} };
      } catch (err) {
        if (err instanceof RestError && err.statusCode === 404) return null;
        throw classifyBlobAnswer(`properties ${containerName}/${blobName}`, err);
      }
    },
    publicUrl(containerName, blobName) {
      return container(containerName).getBlobClient(blobName).url;
    },
  };
}

async function wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw classifyBlobAnswer(what, err);
  }
}

/**
 * Reads `body` until it ends or more than `max` bytes came: `ended` with every chunk, or the
 * chunks so far and `rest`, a stream of the whole body again (those chunks, then what remains).
 */
async function readHead(body: Readable, max: number): Promise<{ ended: true; chunks: Buffer[] } | { ended: false; rest: Readable }> {
  const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) return { ended: true, chunks };
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) break;
  }
  async function* again() {
    yield* chunks;
    chunks.length = 0;
    for (let next = await it.next(); !next.done; next = await it.next()) yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
  }
  return { ended: false, rest: Readable.from(again(), { objectMode: false }) };
}
