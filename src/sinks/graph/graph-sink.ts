import { readAll } from '../../memory/read-all.js';
import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { createLimiter } from '../../webex/limiter.js';
import type { ImportRequest, MailboxSink } from '../sink.js';
import { GraphAnswerError } from './graph-answer.js';
import { graphRequest } from './graph-http.js';
import { clientCredentialsToken, type GraphTokenSource } from './token.js';
import { GRAPH_MAX_MIME_BYTES, GRAPH_MAX_REQUEST_BYTES } from '../../config/sink-limits.js';

/**
 * Microsoft 365 through Graph (beta `importMime`, which creates a non-draft message as if
 * delivered; docs/microsoft-graph.md §3). Per item: the "Webex Teams" child of the Inbox (found by
 * $filter or created, cached), a Message-ID lookup by `internetMessageId` (§4) so nothing is
 * imported twice, then POST .../importMime with the base64 MIME as text/plain. At most 4 requests
 * in flight per mailbox (Exchange's MailboxConcurrency limit, §5).
 */
const MAILBOX_CONCURRENCY = 4;


/** Bytes of the importMime request body for `mimeBytes` of MIME (base64 without line breaks). */
export function importMimeBodyBytes(mimeBytes: number): number {
  return 4 * Math.ceil(mimeBytes / 3);
}

function tooLarge(item: ImportRequest, mimeBytes: number): ArchiverError {
  return new ArchiverError('TOO_LARGE', `graph importMime into ${item.mailbox}: ${mimeBytes} bytes of MIME are ${importMimeBodyBytes(mimeBytes)} bytes as base64, over Graph's 4 MB request cap (${GRAPH_MAX_REQUEST_BYTES} bytes, so at most ${GRAPH_MAX_MIME_BYTES} bytes of MIME)`);
}

/** The `value` list of a collection answer; a 2xx without one cannot be read, so it is retried, never taken as empty. */
function listOf<T>(body: { value?: unknown }, what: string): T[] {
  if (!Array.isArray(body.value)) throw new ArchiverError('UNAVAILABLE', `graph ${what}: answer without a value list`);
  return body.value as T[];
}

/** True for Graph's 404 ErrorItemNotFound: a cached folder id whose folder was deleted or moved. */
function isItemNotFound(err: unknown): boolean {
  return err instanceof GraphAnswerError && err.status === 404 && err.graphCode === 'ErrorItemNotFound';
}

/** OData string literal: single quotes doubled; then percent-encoded as a query value (RFC 3986). */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function createGraphSink(config: Pick<Config, 'graphBaseUrl' | 'graphAuthority' | 'graphTenantId' | 'graphClientId' | 'graphClientSecret'>, logger: Logger, opts: { token?: GraphTokenSource } = {}): MailboxSink {
  if (!config.graphTenantId) throw new ArchiverError('CONFIG', 'WXA_GRAPH_TENANT_ID: required for the graph sink');
  if (!config.graphClientId) throw new ArchiverError('CONFIG', 'WXA_GRAPH_CLIENT_ID: required for the graph sink');
  if (!config.graphClientSecret) throw new ArchiverError('CONFIG', 'WXA_GRAPH_CLIENT_SECRET: required for the graph sink');
  const log = logger.child({ component: 'graph-sink' });
  const token = opts.token ?? clientCredentialsToken({ authority: config.graphAuthority, tenantId: config.graphTenantId, clientId: config.graphClientId, clientSecret: config.graphClientSecret });
  const base = config.graphBaseUrl.replace(/\/+$/, '');
  const limiters = new Map<string, ReturnType<typeof createLimiter>>();
  const folders = new Map<string, Promise<string>>();
  const user = (mailbox: string) => `${base}/users/${encodeURIComponent(mailbox)}`;
  const limited = <T>(mailbox: string, fn: () => Promise<T>): Promise<T> => {
    let l = limiters.get(mailbox);
    if (!l) { l = createLimiter(MAILBOX_CONCURRENCY); limiters.set(mailbox, l); }
    return l.run(fn);
  };

  async function findOrCreateFolder(mailbox: string, name: string): Promise<string> {
    const filter = encodeURIComponent(`displayName eq ${odataString(name)}`);
    const found = await limited(mailbox, () => graphRequest<{ value?: unknown }>(token, 'GET', `${user(mailbox)}/mailFolders/inbox/childFolders?$filter=${filter}&$select=id,displayName`));
    const match = listOf<{ id: string }>(found.body, `folder lookup in ${mailbox}`)[0];
    if (match) return match.id;
    try {
      const created = await limited(mailbox, () => graphRequest<{ id: string }>(token, 'POST', `${user(mailbox)}/mailFolders/inbox/childFolders`, { json: { displayName: name } }));
      log.info({ mailbox, folder: name }, 'created mail folder');
      if (typeof created.body.id !== 'string' || created.body.id === '') throw new ArchiverError('UNAVAILABLE', `graph folder create in ${mailbox}: answer without an id`);
      return created.body.id;
    } catch (err) {
      // Created by someone else in between (ErrorFolderExists, 409 or 400): look it up again.
      if (err instanceof GraphAnswerError && err.graphCode === 'ErrorFolderExists') return findOrCreateFolder(mailbox, name);
      throw err;
    }
  }

  /**
   * Runs `fn` with the folder's id; when Graph says the id names nothing (404 ErrorItemNotFound: the
   * folder was deleted or moved), forgets it, finds or creates the folder again and runs `fn` once more.
   */
  async function withFolder<T>(mailbox: string, name: string, fn: (folder: string) => Promise<T>): Promise<T> {
    const folder = await folderId(mailbox, name);
    try {
      return await fn(folder);
    } catch (err) {
      if (!isItemNotFound(err)) throw err;
      log.warn({ mailbox, folder: name }, 'cached mail folder id no longer exists; finding or creating the folder again');
      // Only our stale entry: another item may already have found the folder again.
      const cached = folders.get(folderKey(mailbox, name));
      if (cached && (await cached.catch(() => undefined)) === folder) folders.delete(folderKey(mailbox, name));
      return fn(await folderId(mailbox, name));
    }
  }

  const folderKey = (mailbox: string, name: string) => `${mailbox}\u0000${name}`;

  function folderId(mailbox: string, name: string): Promise<string> {
    const key = folderKey(mailbox, name);
    let f = folders.get(key);
    if (!f) {
      f = findOrCreateFolder(mailbox, name);
      f.catch(() => folders.delete(key));
      folders.set(key, f);
    }
    return f;
  }

  return {
    name: 'graph',
    async importItem(item: ImportRequest) {
      // Before any request: an item over the cap can never be imported (nor be there already).
      if (importMimeBodyBytes(item.size) > GRAPH_MAX_REQUEST_BYTES) throw tooLarge(item, item.size);
      const filter = encodeURIComponent(`internetMessageId eq ${odataString(item.messageId)}`);
      return withFolder(item.mailbox, item.folder, async (folder) => {
        const existing = await limited(item.mailbox, () => graphRequest<{ value?: unknown }>(token, 'GET', `${user(item.mailbox)}/mailFolders/${encodeURIComponent(folder)}/messages?$filter=${filter}&$select=id,internetMessageId`));
        const found = listOf<{ id: string }>(existing.body, `Message-ID lookup in ${item.mailbox}`)[0];
        if (found) return { status: 'duplicate' as const, ref: found.id };
        const raw = await readAll(await item.open());
        // The planned size is the staged blob's; check the bytes actually read as well.
        if (importMimeBodyBytes(raw.length) > GRAPH_MAX_REQUEST_BYTES) throw tooLarge(item, raw.length);
        const mime = raw.toString('base64');
        const created = await limited(item.mailbox, () => graphRequest<{ id?: string }>(token, 'POST', `${user(item.mailbox)}/mailFolders/${encodeURIComponent(folder)}/importMime`, { text: mime }));
        return { status: 'imported' as const, ref: created.body.id };
      });
    },
    async countItems(mailbox, name) {
      const res = await withFolder(mailbox, name, (folder) => limited(mailbox, () => graphRequest<{ totalItemCount?: number }>(token, 'GET', `${user(mailbox)}/mailFolders/${encodeURIComponent(folder)}`)));
      return res.body.totalItemCount ?? 0;
    },
    async close() { /* fetch keeps no per-sink state */ },
  };
}
