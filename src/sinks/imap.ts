import { readAll } from '../memory/read-all.js';
import { ImapFlow } from 'imapflow';
import type { Config } from '../config/schema.js';
import { ArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import { classifyImapFailure, isAlreadyExists, isFolderMissing, plainRefusalCounter } from './imap-answer.js';
import { messageIdOfHeaders, normalizeMessageId } from './message-id-header.js';
import type { ImportRequest, MailboxSink } from './sink.js';

/**
 * IMAP sink (imapflow). Per item: make sure `INBOX<delim><folder>` exists (CREATE, RFC 3501
 * §6.3.3), check the Message-ID against the folder so nothing is appended twice, then APPEND with
 * \Seen and the message time as the internal date (RFC 3501 §6.3.11).
 * The check keeps, per mailbox and across connections, the folder's Message-IDs by UID and before each item fetches
 * only the headers of UIDs above the highest it knows (UID FETCH n:* BODY.PEEK[HEADER.FIELDS
 * (MESSAGE-ID)], §6.4.8/§6.4.5): one round trip that returns what anyone appended since; our own
 * appends are noted from APPENDUID (RFC 4315) without a fetch. UID SEARCH HEADER (§6.4.4) would say the same, but servers without a
 * full-text index scan every message's header for it, so an item cost O(folder size) and a
 * mailbox of n items O(n²). A NOOP first (§6.1.2; skipped while the connection had an answer within a
 * second, see NOOP_AFTER_IDLE_MS) makes the server report what other sessions
 * appended or expunged; an expunge or a new UIDVALIDITY (§2.3.1.1) drops what we knew, so a
 * restored or pruned mailbox is read again and a replay re-imports what went missing.
 * Up to PER_MAILBOX_CONNECTIONS connections per mailbox, reused and kept in a small pool (logins
 * are expensive), each with its operations serialized on it; the Message-ID index is the mailbox's. Login per mailbox: the template (Dovecot master-user
 * style `{mailbox}*archiver` by default) with a password, or XOAUTH2 with an access token
 * (Exchange Online with IMAP.AccessAsApp).
 * imapflow's APPEND takes the whole message in memory; items are bounded by the size limit.
 */

/**
 * `verified`: this connection has checked the kept index against the folder (see refreshKnown).
 * `lastReplyAt`: when the server last answered a command of ours on it.
 */
interface Conn { client: ImapFlow; chain: Promise<unknown>; lastUsed: number; verified: boolean; lastReplyAt: number; inFlight: number }

/**
 * Connections per mailbox: appends to one mailbox run on up to this many at once (the Message-ID
 * index is shared; the import processor never has one mailbox's same item in flight twice).
 * Exchange Online allows 16 IMAP connections per mailbox; Dovecot here, 100 per user and address.
 */
const PER_MAILBOX_CONNECTIONS = 2;

/**
 * The NOOP before an item is skipped while the connection had an answer within this long. Every
 * answer (our APPEND's too) carries the untagged EXISTS/EXPUNGE of what other sessions did
 * (RFC 3501 §7.3.1, §7.4.1), so in a busy stream the folder size we compare with is already
 * current; the NOOP only added a round trip per item on a mailbox's one serialized connection,
 * which a busy mailbox waited for (p99 capture latency in the bench). A NOOP never closed the race
 * with a session appending the same item at the same moment either; the sequential case it is
 * for, another instance appending an item before this one takes its partition over, comes after
 * a rebalance or a crash, seconds in which this connection heard nothing, so the NOOP is sent.
 */
const NOOP_AFTER_IDLE_MS = 1000;

/**
 * Message-IDs kept per mailbox, across connections (the pool closes the least recently used
 * connection when it is full, and re-reading a folder's headers on every reconnect would cost
 * O(folder) again), least recently used first, up to this many Message-IDs in all.
 */
const MAX_INDEXED_IDS = 1_000_000;


/**
 * What we know of a mailbox's folder: Message-IDs of UIDs up to `lastUid` under `uidValidity`,
 * when the folder held `exists` messages.
 */
interface KnownIds { path: string; uidValidity: bigint | undefined; lastUid: number; exists: number; index: Map<string, number> }

export function createImapSink(config: Pick<Config, 'imapHost' | 'imapPort' | 'imapSecure' | 'imapLoginTemplate' | 'imapPassword' | 'imapAccessToken' | 'imapMaxConnections'>, logger: Logger, opts: { noopAfterIdleMs?: number } = {}): MailboxSink {
  const noopAfterIdleMs = opts.noopAfterIdleMs ?? NOOP_AFTER_IDLE_MS;
  const log = logger.child({ component: 'imap-sink' });
  const pool = new Map<string, Conn[]>();
  const indexes = new Map<string, KnownIds>();
  const opening = new Map<string, number>();
  /** Each mailbox's folder path, by folderKey: LISTed and CREATEd once (see folderPath). */
  const folders = new Map<string, Promise<string>>();
  const folderKey = (mailbox: string, folder: string) => `${mailbox}\n${folder}`;
  const plainRefusals = plainRefusalCounter();
  /** Whether our credential has logged in at all: then a refused login is that one mailbox's problem. */
  let credentialAccepted = false;
  const connectionCount = () => [...pool.values()].reduce((n, cs) => n + cs.length, 0);

  /**
   * A connection for `mailbox`, already counted as busy (call `release` when done): an idle one
   * if there is one, else a new one while the mailbox has fewer than PER_MAILBOX_CONNECTIONS,
   * else the least busy. A busy mailbox (the fallback mailbox, someone in every space) gets
   * appends in parallel instead of queueing behind one connection.
   */
  async function acquire(mailbox: string): Promise<Conn> {
    const conns = (pool.get(mailbox) ?? []).filter((c) => c.client.usable);
    pool.set(mailbox, conns);
    const idle = conns.find((c) => c.inFlight === 0);
    const pending = opening.get(mailbox) ?? 0;
    if (idle || (conns.length > 0 && conns.length + pending >= PER_MAILBOX_CONNECTIONS)) {
      const conn = idle ?? conns.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      conn.inFlight++;
      return conn;
    }
    opening.set(mailbox, pending + 1);
    try {
      const conn = await open(mailbox);
      conn.inFlight++;
      pool.get(mailbox)!.push(conn);
      return conn;
    } finally {
      opening.set(mailbox, (opening.get(mailbox) ?? 1) - 1);
    }
  }

  function release(conn: Conn): void {
    conn.inFlight--;
    conn.lastUsed = Date.now();
  }

  /** Drops one connection from the pool (broken, or the least recently used when the pool is full), logging out once its queue is done. */
  function retire(mailbox: string, conn: Conn): void {
    const conns = pool.get(mailbox);
    if (conns) pool.set(mailbox, conns.filter((c) => c !== conn));
    void conn.chain.finally(() => conn.client.logout().catch(() => undefined));
  }

  async function open(mailbox: string): Promise<Conn> {
    if (connectionCount() >= config.imapMaxConnections) {
      const all = [...pool.entries()].flatMap(([m, cs]) => cs.map((c) => ({ m, c })));
      const victim = all.filter((x) => x.c.inFlight === 0).sort((a, b) => a.c.lastUsed - b.c.lastUsed)[0];
      if (victim) retire(victim.m, victim.c);
    }
    const user = config.imapLoginTemplate.replace('{mailbox}', mailbox);
    const client = new ImapFlow({
      host: config.imapHost, port: config.imapPort, secure: config.imapSecure, logger: false,
      auth: config.imapAccessToken ? { user, accessToken: config.imapAccessToken } : { user, pass: config.imapPassword },
      connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 120_000,
    });
    client.on('error', (err: Error) => log.warn({ mailbox, err: err.message }, 'imap connection error'));
    // Someone removed messages: what we know may name Message-IDs that are gone; read it all again.
    client.on('expunge', () => { indexes.delete(mailbox); });
    try {
      await client.connect();
      credentialAccepted = true;
    } catch (err) {
      const e = classifyImapFailure(`connect ${mailbox}`, err);
      // With one credential for every mailbox (master user, XOAUTH2 app), a login refused for one
      // mailbox after the same credential logged in elsewhere is that mailbox (unknown user, a name
      // the server refuses, no proxy right): park it rather than pause every mailbox for it.
      if (e.code === 'AUTH_FAILED' && credentialAccepted) throw new ArchiverError('MAILBOX_UNAVAILABLE', `${e.message} (the same credential logs in to other mailboxes)`, { cause: err });
      throw e;
    }
    return { client, chain: Promise.resolve(), lastUsed: Date.now(), verified: false, lastReplyAt: 0, inFlight: 0 };
  }

  /**
   * The folder's full name in `mailbox`, LISTed and CREATEd once per mailbox, not per connection:
   * a mailbox's second connection waits for the first's answer. Two sessions of one user creating
   * the same folder at once made Dovecot 2.3 abort one of them (a deadlock reported by fcntl on
   * its mailboxes.lock), which cost that append a retry and the server a session.
   */
  function folderPath(mailbox: string, conn: Conn, folder: string): Promise<string> {
    const key = folderKey(mailbox, folder);
    let ready = folders.get(key);
    if (!ready) {
      ready = ensureFolder(conn, folder);
      folders.set(key, ready);
      ready.catch(() => { if (folders.get(key) === ready) folders.delete(key); });
    }
    return ready;
  }

  async function ensureFolder(conn: Conn, folder: string): Promise<string> {
    const list = await conn.client.list();
    const inbox = list.find((m) => m.specialUse === '\\Inbox' || m.path.toUpperCase() === 'INBOX');
    const delim = inbox?.delimiter ?? '/';
    const wanted = `${inbox?.path ?? 'INBOX'}${delim}${folder.replace(/^INBOX[./]/i, '')}`;
    if (!list.some((m) => m.path === wanted)) {
      try {
        await conn.client.mailboxCreate(wanted);
      } catch (err) {
        // Someone else created it between LIST and CREATE: fine (RFC 5530 ALREADYEXISTS). A server
        // without response codes is asked again with LIST instead of reading its text.
        if (!isAlreadyExists(err) && !(await conn.client.list()).some((m) => m.path === wanted)) throw err;
      }
    }
    return wanted;
  }

  /**
   * One item; a TRYCREATE/NONEXISTENT answer (the folder was deleted after we looked: RFC 3501
   * §6.3.11) forgets the folder so the second attempt LISTs and CREATEs it again.
   */
  async function importItem(item: ImportRequest): Promise<{ status: 'imported' | 'duplicate'; ref?: string }> {
    try {
      const done = await importOnce(item).catch(async (err: unknown) => {
        if (!isFolderMissing((err as { cause?: unknown }).cause)) throw err;
        return importOnce(item);
      });
      plainRefusals.reset(item.mailbox);
      return done;
    } catch (err) {
      throw plainRefusals.note(item.mailbox, err);
    }
  }

  async function importOnce(item: ImportRequest): Promise<{ status: 'imported' | 'duplicate'; ref?: string }> {
    const conn = await acquire(item.mailbox);
    const run = conn.chain.then(async () => {
      const path = await folderPath(item.mailbox, conn, item.folder);
      const lock = await conn.client.getMailboxLock(path);
      try {
        const known = await refreshKnown(conn, item.mailbox, path);
        const wanted = normalizeMessageId(item.messageId);
        const foundUid = known.get(wanted);
        if (foundUid !== undefined) return { status: 'duplicate' as const, ref: `${path}#${foundUid}` };
        const body = await readAll(await item.open());
        const res = await conn.client.append(path, body, ['\\Seen'], item.date);
        if (!res) throw new ArchiverError('UNAVAILABLE', `append to ${item.mailbox} returned nothing`);
        conn.lastReplyAt = Date.now();
        noteOwnAppend(conn, item.mailbox, path, wanted, res.uid);
        return { status: 'imported' as const, ref: `${path}#${res.uid ?? '?'}` };
      } finally {
        lock.release();
      }
    });
    conn.chain = run.catch(() => undefined);
    try {
      return await run;
    } catch (err) {
      const e = classifyImapFailure(`import into ${item.mailbox}`, err);
      // The folder may be gone (TRYCREATE, or Dovecot's SERVERBUG on a connection that had it
      // selected): the next attempt on any connection of this mailbox LISTs it again.
      folders.delete(folderKey(item.mailbox, item.folder));
      // A broken or refusing connection is not reused (the next attempt logs in again).
      if (e.retriable) retire(item.mailbox, conn);
      throw e;
    } finally {
      release(conn);
    }
  }

  /** Brings the mailbox's Message-ID index of `path` up to date; returns Message-ID → UID. */
  async function refreshKnown(conn: Conn, mailbox: string, path: string): Promise<Map<string, number>> {
    if (!conn.verified || Date.now() - conn.lastReplyAt >= noopAfterIdleMs) {
      await conn.client.noop();
      conn.lastReplyAt = Date.now();
    }
    const box = conn.client.mailbox;
    const uidValidity = box ? box.uidValidity : undefined;
    const exists = box ? box.exists : 0;
    let known = indexes.get(mailbox);
    if (!known || known.path !== path || known.uidValidity !== uidValidity) known = { path, uidValidity, lastUid: 0, exists: 0, index: new Map() };
    indexes.delete(mailbox);
    indexes.set(mailbox, known);
    if (conn.verified && exists === known.exists) return known.index;
    const added = await fetchNewIds(conn, known);
    if (!conn.verified && exists !== known.exists + added) {
      // Messages went away while no connection of ours watched this folder: read it all again.
      known = { path, uidValidity, lastUid: 0, exists: 0, index: new Map() };
      indexes.set(mailbox, known);
      await fetchNewIds(conn, known);
    }
    known.exists = exists;
    conn.verified = true;
    evictIndexes();
    return known.index;
  }

  /** Adds the Message-IDs of UIDs above `known.lastUid`; returns how many messages it saw. */
  async function fetchNewIds(conn: Conn, known: KnownIds): Promise<number> {
    let seen = 0;
    // n:* with n above every UID still returns the highest message (RFC 3501 §6.4.8), hence the filter.
    for await (const m of conn.client.fetch(`${known.lastUid + 1}:*`, { uid: true, headers: ['message-id'] }, { uid: true })) {
      if (m.uid <= known.lastUid) continue;
      const id = messageIdOfHeaders(m.headers);
      if (id && !known.index.has(normalizeMessageId(id))) known.index.set(normalizeMessageId(id), m.uid);
      known.lastUid = Math.max(known.lastUid, m.uid);
      seen++;
    }
    return seen;
  }

  function evictIndexes(): void {
    let total = 0;
    for (const k of indexes.values()) total += k.index.size;
    for (const [mailbox, k] of indexes) {
      if (total <= MAX_INDEXED_IDS || indexes.size <= 1) break;
      indexes.delete(mailbox);
      total -= k.index.size;
    }
  }

  /**
   * After our APPEND the server reports the folder's new size (untagged EXISTS). When it grew by
   * exactly one, that one is ours and APPENDUID (RFC 4315) names its UID, so the index is current
   * without fetching our own header back; any other change is left to the next refresh.
   */
  function noteOwnAppend(conn: Conn, mailbox: string, path: string, messageId: string, uid: number | undefined): void {
    const known = indexes.get(mailbox);
    const box = conn.client.mailbox;
    if (!known || known.path !== path || !box || uid === undefined) return;
    // Always: our own APPEND's UID is certain, even when another connection of ours appended in
    // between (its UID may then be above this one, and the fetch of new UIDs would skip ours).
    known.index.set(messageId, uid);
    if (uid <= known.lastUid || box.exists !== known.exists + 1) return;
    known.lastUid = uid;
    known.exists = box.exists;
  }

  return {
    name: 'imap',
    importItem,
    async countItems(mailbox, folder) {
      const conn = await acquire(mailbox);
      try {
        const path = await folderPath(mailbox, conn, folder);
        const status = await conn.client.status(path, { messages: true });
        return status ? (status.messages ?? 0) : 0;
      } finally {
        release(conn);
      }
    },
    async close() {
      await Promise.all([...pool.values()].flat().map((c) => c.client.logout().catch(() => undefined)));
      pool.clear();
    },
  };
}
