import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';

/**
 * A local Microsoft Graph for the mailbox sink's tests (docs/microsoft-graph.md): the v2.0 client
 * credentials token endpoint, Inbox child folders with $filter and create (ErrorFolderExists on a
 * duplicate name), messages filtered by internetMessageId, and beta importMime creating non-draft
 * messages from base64 MIME. Like Exchange, it answers 429 ApplicationThrottled with Retry-After
 * to a fifth concurrent request on one mailbox (MailboxConcurrency = 4), and like Graph it refuses
 * a request body over 4 MB with 400 BadRequest "Maximum request length exceeded." (docs/microsoft-graph.md
 * §3; MB read as 10^6 bytes, the stricter reading, matching the sink's GRAPH_MAX_REQUEST_BYTES).
 * Faults for the failure table (docs/failure-answers.md, Microsoft Graph), each answered with the
 * status and code Graph documents (learn.microsoft.com/graph/errors): a mailbox the app may not
 * reach (403 ErrorAccessDenied), one not enabled for REST (404 MailboxNotEnabledForRESTAPI), a full
 * one (507 ErrorQuotaExceeded on importMime), a folder deleted behind the sink's back (its id then
 * answers 404 ErrorItemNotFound), and 200 answers whose body is cut off.
 */
export type GraphMailboxFault = 'accessDenied' | 'notEnabled' | 'full';
export const SIM_MAX_REQUEST_BYTES = 4_000_000;
export interface GraphMessage { id: string; internetMessageId: string; isDraft: false; parentFolderId: string; mime: Buffer }
export interface GraphFolder { id: string; displayName: string; parentFolderId: string; messages: GraphMessage[] }
export interface GraphSimStats { requests: number; throttled: number; maxConcurrentPerMailbox: number; tokensIssued: number; foldersCreated: number }

export interface GraphSimulator {
  baseUrl: string;
  authority: string;
  mailbox(user: string): { folders: GraphFolder[] };
  stats: GraphSimStats;
  /** Extra latency per mailbox request (to make concurrency observable), throttle storms, and 200 GETs cut off mid-body. */
  set(opts: { delayMs?: number; throttleNext?: number; truncateNext?: number }): void;
  /** Makes every request to `user`'s mailbox fail as Graph does for that state (null clears it). */
  setMailboxFault(user: string, fault: GraphMailboxFault | null): void;
  /** Expires every access token issued so far: the next request with one answers 401 InvalidAuthenticationToken. */
  revokeTokens(): void;
  /** Deletes a folder as a user or an administrator would; its id then answers 404 ErrorItemNotFound. */
  deleteFolder(user: string, displayName: string): void;
  close(): Promise<void>;
}

function graphError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } });
}

export async function startGraphSimulator(opts: { tenantId: string; clientId: string; clientSecret: string; host?: string; port?: number }): Promise<GraphSimulator> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 200 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_r, body, done) => done(null, body));
  const tokens = new Set<string>();
  const mailboxes = new Map<string, { inbox: string; folders: GraphFolder[]; inFlight: number }>();
  const stats: GraphSimStats = { requests: 0, throttled: 0, maxConcurrentPerMailbox: 0, tokensIssued: 0, foldersCreated: 0 };
  let delayMs = 0;
  let throttleNext = 0;
  let truncateNext = 0;
  const faults = new Map<string, GraphMailboxFault>();
  const mb = (user: string) => {
    const key = decodeURIComponent(user).toLowerCase();
    let m = mailboxes.get(key);
    if (!m) { m = { inbox: `inbox-${randomUUID()}`, folders: [], inFlight: 0 }; mailboxes.set(key, m); }
    return m;
  };

  app.post('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    const { tenant } = req.params as { tenant: string };
    const f = (req.body ?? {}) as Record<string, string>;
    if (tenant !== opts.tenantId) return reply.code(400).send({ error: 'invalid_request', error_description: 'AADSTS90002: Tenant not found.', error_codes: [90002] });
    if (f.grant_type !== 'client_credentials' || f.scope !== 'https://graph.microsoft.com/.default') return reply.code(400).send({ error: 'invalid_scope', error_description: 'AADSTS70011: The provided value for scope is not valid.', error_codes: [70011] });
    if (f.client_id !== opts.clientId || f.client_secret !== opts.clientSecret) return reply.code(401).send({ error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
    const token = `sim-${randomUUID()}`;
    tokens.add(token);
    stats.tokensIssued++;
    return { token_type: 'Bearer', expires_in: 3599, access_token: token };
  });

  // Every mailbox route: auth, then the MailboxConcurrency gate.
  app.addHook('preHandler', async (req, reply) => {
    if (!req.url.startsWith('/beta/users/')) return;
    stats.requests++;
    const length = Math.max(Number(req.headers['content-length'] ?? 0) || 0, typeof req.body === 'string' ? Buffer.byteLength(req.body) : 0);
    if (length > SIM_MAX_REQUEST_BYTES) return graphError(reply, 400, 'BadRequest', 'Maximum request length exceeded.');
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !tokens.has(auth.slice(7))) return graphError(reply, 401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');
    const user = decodeURIComponent((req.params as { user: string }).user).toLowerCase();
    const fault = faults.get(user);
    if (fault === 'accessDenied') return graphError(reply, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    if (fault === 'notEnabled') return graphError(reply, 404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
    if (fault === 'full' && req.method === 'POST' && req.url.endsWith('/importMime')) return graphError(reply, 507, 'ErrorQuotaExceeded', 'Mailbox has exceeded maximum mailbox size.');
    const m = mb((req.params as { user: string }).user);
    if (throttleNext > 0 || m.inFlight >= 4) {
      if (throttleNext > 0) throttleNext--;
      stats.throttled++;
      reply.header('Retry-After', '1');
      return graphError(reply, 429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.');
    }
    m.inFlight++;
    stats.maxConcurrentPerMailbox = Math.max(stats.maxConcurrentPerMailbox, m.inFlight);
    (req as { wxaMailbox?: typeof m }).wxaMailbox = m;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
  });
  // A proxy or a dropped connection can end a 200 mid-body: the client must not read it as empty.
  app.addHook('onSend', async (req, reply, payload) => {
    if (truncateNext <= 0 || req.method !== 'GET' || !req.url.startsWith('/beta/users/') || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    truncateNext--;
    return payload.slice(0, Math.floor(payload.length / 2));
  });
  app.addHook('onResponse', async (req) => {
    const m = (req as { wxaMailbox?: { inFlight: number } }).wxaMailbox;
    if (m) m.inFlight--;
  });

  const folderView = (f: GraphFolder) => ({ id: f.id, displayName: f.displayName, parentFolderId: f.parentFolderId, childFolderCount: 0, unreadItemCount: 0, totalItemCount: f.messages.length, isHidden: false });
  const quoted = (filter: string, field: string) => {
    const m = new RegExp(`^${field} eq '((?:[^']|'')*)'$`).exec(filter.trim());
    return m ? m[1]!.replace(/''/g, "'") : undefined;
  };

  app.get('/beta/users/:user/mailFolders/inbox/childFolders', async (req, reply) => {
    const m = mb((req.params as { user: string }).user);
    const filter = (req.query as Record<string, string>).$filter;
    if (filter !== undefined) {
      const name = quoted(filter, 'displayName');
      if (name === undefined) return graphError(reply, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
      return { value: m.folders.filter((f) => f.displayName === name).map(folderView) };
    }
    return { value: m.folders.map(folderView) };
  });
  app.post('/beta/users/:user/mailFolders/inbox/childFolders', async (req, reply) => {
    const m = mb((req.params as { user: string }).user);
    const name = (req.body as { displayName?: unknown })?.displayName;
    if (typeof name !== 'string' || !name) return graphError(reply, 400, 'ErrorInvalidRequest', 'displayName is required.');
    if (m.folders.some((f) => f.displayName === name)) return graphError(reply, 409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    const f: GraphFolder = { id: `AAMk-${randomUUID()}`, displayName: name, parentFolderId: m.inbox, messages: [] };
    m.folders.push(f);
    stats.foldersCreated++;
    return reply.code(201).send(folderView(f));
  });
  const folderOf = (user: string, id: string) => mb(user).folders.find((f) => f.id === id);
  app.get('/beta/users/:user/mailFolders/:folder', async (req, reply) => {
    const { user, folder } = req.params as { user: string; folder: string };
    const f = folderOf(user, folder);
    return f ? folderView(f) : graphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  });
  app.get('/beta/users/:user/mailFolders/:folder/messages', async (req, reply) => {
    const { user, folder } = req.params as { user: string; folder: string };
    const f = folderOf(user, folder);
    if (!f) return graphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const filter = (req.query as Record<string, string>).$filter;
    const id = filter !== undefined ? quoted(filter, 'internetMessageId') : undefined;
    if (filter !== undefined && id === undefined) return graphError(reply, 400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
    const list = id === undefined ? f.messages : f.messages.filter((x) => x.internetMessageId === id);
    return { value: list.map((x) => ({ id: x.id, internetMessageId: x.internetMessageId, isDraft: false, parentFolderId: f.id })) };
  });
  app.post('/beta/users/:user/mailFolders/:folder/importMime', async (req, reply) => {
    const { user, folder } = req.params as { user: string; folder: string };
    const f = folderOf(user, folder);
    if (!f) return graphError(reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (!/^text\/plain/.test(req.headers['content-type'] ?? '')) return graphError(reply, 415, 'UnsupportedMediaType', 'Content-Type must be text/plain.');
    const b64 = String(req.body ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0) return graphError(reply, 400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    const mime = Buffer.from(b64, 'base64');
    const header = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(mime.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '');
    const msg: GraphMessage = { id: `AAMkMsg-${randomUUID()}`, internetMessageId: header?.[1] ?? `<${randomUUID()}@sim>`, isDraft: false, parentFolderId: f.id, mime };
    f.messages.push(msg);
    return reply.code(201).send({ id: msg.id, internetMessageId: msg.internetMessageId, isDraft: false, parentFolderId: f.id });
  });

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const root = address.replace('[::1]', '127.0.0.1');
  return {
    baseUrl: `${root}/beta`,
    authority: root,
    mailbox: (user) => ({ folders: mb(user).folders }),
    stats,
    set(o) {
      if (o.delayMs !== undefined) delayMs = o.delayMs;
      if (o.throttleNext !== undefined) throttleNext = o.throttleNext;
      if (o.truncateNext !== undefined) truncateNext = o.truncateNext;
    },
    revokeTokens() { tokens.clear(); },
    setMailboxFault(user, fault) { if (fault) faults.set(user.toLowerCase(), fault); else faults.delete(user.toLowerCase()); },
    deleteFolder(user, displayName) {
      const m = mb(user);
      m.folders = m.folders.filter((f) => f.displayName !== displayName);
    },
    close: () => app.close(),
  };
}
