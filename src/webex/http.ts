import { Readable } from 'node:stream';
import type { ReadableStreamReadResult, ReadableStream as WebReadableStream } from 'node:stream/web';
import { ArchiverError } from '../errors.js';
import { createLogger, type Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';
import { createLimiter, type Limiter } from './limiter.js';
import { createPauseGate, type PauseGate } from './pause-gate.js';
import { decideRetry, DEFAULT_RETRY_POLICY, newRetryCounts, type AttemptOutcome, type RequestRetryOptions, type RetryPolicy, type RetryReason } from './retry.js';
import { isRefreshable, staticToken, type TokenProvider } from './token.js';
import { scrubSecret, toWebexError } from './webex-error.js';

/**
 * The one place that talks HTTP to Webex: bearer token, FIFO in-flight limit, per-try timeout,
 * retries as `retry.ts` decides, a client-wide pause after 429, metrics hooks, and error mapping.
 * Uses Node's global fetch (undici). The token goes only into the Authorization header.
 */

export interface RequestInfo {
  method: string;
  /** URL path without the query (queries may hold email addresses). */
  path: string;
}

/** Hooks for /metrics; every callback is optional and must not throw (errors are swallowed). */
export interface WebexObserver {
  onRequest?(info: RequestInfo): void;
  /**
   * A try ended: with the HTTP status of the answer, or with no answer (`status` undefined and
   * `failure` saying why). Not called when the caller aborted or no request was sent.
   */
  onResponse?(info: RequestInfo & { status: number | undefined; failure?: 'timeout' | 'network' }): void;
  onRetry?(reason: RetryReason, info: RequestInfo & { status?: number; delayMs: number }): void;
  onRateLimited?(seconds: number, info: RequestInfo): void;
}

export interface WebexHttpOptions {
  /** e.g. https://webexapis.com/v1 or a simulator's baseUrl. */
  baseUrl: string;
  /** A token provider, or a fixed access token. */
  token: TokenProvider | string;
  /** Requests in flight at most (default 4). */
  maxInFlight?: number;
  /** Deadline for one try until the response headers (and a JSON body) arrive. Default 30 s. */
  timeoutMs?: number;
  /** A file download with no bytes for this long is abandoned (stuck downloads, §7). Default 60 s. */
  streamIdleTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Default for file downloads: on 428, fetch again with `?allow=unscannable`. Default false. */
  allowUnscannable?: boolean;
  observer?: WebexObserver;
  log?: Logger;
  clock?: Clock;
  /** Jitter source (tests make it deterministic). */
  random?: () => number;
  fetch?: typeof fetch;
}

export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Record<string, QueryValue>;

export interface SendOptions extends RequestRetryOptions {
  query?: Query;
  json?: unknown;
  signal?: AbortSignal;
}

export interface JsonAnswer<T> {
  body: T;
  headers: Headers;
  /** The URL answered (after any `allow=unscannable`), for resolving relative links. */
  url: string;
}

export interface StreamAnswer {
  headers: Headers;
  body: Readable;
  unscannable: boolean;
}

/** Marks an abort caused by our own per-try timeout, as opposed to the caller's signal. */
class TryTimeout extends Error {
  constructor() {
    super('try timed out');
  }
}

interface TryResult<R> {
  value: R;
}

export class WebexHttp {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly tokens: TokenProvider;
  private readonly limiter: Limiter;
  private readonly gate: PauseGate;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly idleMs: number;
  private readonly allowUnscannable: boolean;
  private readonly observer: WebexObserver;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly doFetch: typeof fetch;

  constructor(opts: WebexHttpOptions) {
    let base: URL;
    try {
      base = new URL(opts.baseUrl);
    } catch {
      throw new ArchiverError('CONFIG', `Webex base URL is not a URL: ${opts.baseUrl}`);
    }
    this.baseUrl = base.toString().replace(/\/+$/, '');
    this.origin = base.origin;
    this.tokens = typeof opts.token === 'string' ? staticToken(opts.token) : opts.token;
    this.limiter = createLimiter(opts.maxInFlight ?? 4);
    this.clock = opts.clock ?? systemClock;
    this.gate = createPauseGate(this.clock);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.idleMs = opts.streamIdleTimeoutMs ?? 60_000;
    this.allowUnscannable = opts.allowUnscannable ?? false;
    this.observer = opts.observer ?? {};
    this.log = (opts.log ?? createLogger({ level: 'warn' })).child({ component: 'webex-client' });
    this.random = opts.random ?? Math.random;
    this.doFetch = opts.fetch ?? fetch;
  }

  /** Requests in flight and waiting, for status pages. */
  get load(): { inFlight: number; queued: number } {
    return { inFlight: this.limiter.inFlight, queued: this.limiter.queued };
  }

  /**
   * An absolute URL for a path under the base, or a given absolute URL (a next link, a message's
   * `files` entry) after checking it is on the base's origin: the bearer token goes nowhere else.
   */
  resolve(pathOrUrl: string, query?: Query): string {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      if (url.origin !== this.origin) {
        throw new ArchiverError('BAD_INPUT', `Refusing to send the Webex token to ${url.origin} (base is ${this.origin})`);
      }
    } else {
      url = new URL(`${this.baseUrl}/${pathOrUrl.replace(/^\/+/, '')}`);
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      url.searchParams.set(k, typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : String(v));
    }
    return url.toString();
  }

  async json<T>(method: string, pathOrUrl: string, opts: SendOptions = {}): Promise<JsonAnswer<T>> {
    return this.exchange(method, this.resolve(pathOrUrl, opts.query), opts, async (res, url) => {
      const text = await res.text();
      let body: T;
      try {
        body = (text === '' ? undefined : JSON.parse(text)) as T;
      } catch (err) {
        // Retriable: a cut-off body or a proxy's HTML page is more likely than Webex sending bad JSON.
        throw new ArchiverError('UNAVAILABLE', `Webex ${method} ${new URL(url).pathname} answered ${res.status} with a body that is not JSON`, { cause: err });
      }
      return { value: { body, headers: res.headers, url } };
    });
  }

  /** For answers without a body we need (DELETE → 204). */
  async send(method: string, pathOrUrl: string, opts: SendOptions = {}): Promise<void> {
    await this.exchange(method, this.resolve(pathOrUrl, opts.query), opts, async (res) => {
      await res.arrayBuffer();
      return { value: undefined };
    });
  }

  async head(pathOrUrl: string, opts: SendOptions = {}): Promise<{ headers: Headers; unscannable: boolean }> {
    return this.exchange('HEAD', this.resolve(pathOrUrl, opts.query), opts, async (res, url) => {
      await res.arrayBuffer().catch(() => undefined);
      return { value: { headers: res.headers, unscannable: new URL(url).searchParams.get('allow') === 'unscannable' } };
    });
  }

  /**
   * GET as a stream: the body is handed over as it arrives, never buffered whole. The in-flight
   * slot is held until the stream ends or is destroyed, so the caller must consume or destroy it.
   */
  async stream(pathOrUrl: string, opts: SendOptions = {}): Promise<StreamAnswer> {
    return this.exchange('GET', this.resolve(pathOrUrl, opts.query), opts, async (res, url, handOver) => {
      if (!res.body) throw new ArchiverError('UNAVAILABLE', `Webex GET ${new URL(url).pathname} answered without a body`);
      const unscannable = new URL(url).searchParams.get('allow') === 'unscannable';
      return { value: { headers: res.headers, body: handOver(res.body as WebReadableStream<Uint8Array>), unscannable } };
    });
  }

  /**
   * Runs tries until one succeeds or the policy says stop. `read` turns a 2xx answer into the
   * result inside the try (so a body that stalls counts as a timeout); `handOver` lets a streaming
   * reader take over the slot and the abort controller instead of releasing them here.
   */
  private async exchange<R>(
    method: string,
    firstUrl: string,
    opts: SendOptions,
    read: (res: Response, url: string, handOver: (body: WebReadableStream<Uint8Array>) => Readable) => Promise<TryResult<R>>,
  ): Promise<R> {
    const counts = newRetryCounts();
    const retryOpts: RequestRetryOptions = { retryNotFound: opts.retryNotFound, allowUnscannable: opts.allowUnscannable ?? this.allowUnscannable };
    let url = firstUrl;
    const path = new URL(url).pathname;
    const info: RequestInfo = { method, path };
    let tries = 0;
    let refreshedAfter401 = false;
    for (;;) {
      await this.gate.wait(opts.signal);
      const release = await this.limiter.acquire(opts.signal);
      // A 429 may have paused the client while we queued for the slot: give it back and wait.
      if (this.gate.pausedUntil > this.clock.now()) {
        release();
        continue;
      }
      tries += 1;
      safe(() => this.observer.onRequest?.(info));
      const ctrl = new AbortController();
      const onCallerAbort = (): void => ctrl.abort(opts.signal!.reason);
      opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
      const timer = setTimeout(() => ctrl.abort(new TryTimeout()), this.timeoutMs);
      let handedOver = false;
      const finish = (): void => {
        clearTimeout(timer);
        // A handed-over stream keeps the slot and the caller's abort until it closes.
        if (handedOver) return;
        opts.signal?.removeEventListener('abort', onCallerAbort);
        release();
      };
      let token: string | undefined;
      let outcome: AttemptOutcome;
      let failure: { status: number; bodyText: string; headers: Headers } | undefined;
      let lastError: unknown;
      let answered = false;
      try {
        token = await this.tokens.getToken(opts.signal);
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
        if (opts.json !== undefined) headers['content-type'] = 'application/json';
        const res = await this.doFetch(url, {
          method,
          headers,
          body: opts.json === undefined ? undefined : JSON.stringify(opts.json),
          signal: ctrl.signal,
        });
        answered = true;
        safe(() => this.observer.onResponse?.({ ...info, status: res.status }));
        if (res.ok) {
          const handOver = (body: WebReadableStream<Uint8Array>): Readable => {
            handedOver = true;
            clearTimeout(timer);
            return idleTimedReadable(body, this.idleMs, `Webex ${method} ${path}`, () => {
              opts.signal?.removeEventListener('abort', onCallerAbort);
              ctrl.abort();
              release();
            });
          };
          const { value } = await read(res, url, handOver);
          finish();
          return value;
        }
        const bodyText = method === 'HEAD' ? '' : await readCapped(res, 64 * 1024);
        failure = { status: res.status, bodyText, headers: res.headers };
        outcome = { kind: 'status', status: res.status, retryAfter: res.headers.get('retry-after') };
      } catch (err) {
        lastError = err;
        if (opts.signal?.aborted) {
          finish();
          throw opts.signal.reason;
        }
        if (err instanceof ArchiverError && !err.retriable) {
          finish();
          throw err;
        }
        outcome = ctrl.signal.reason instanceof TryTimeout || err instanceof ArchiverError && err.code === 'TIMEOUT' ? { kind: 'timeout' } : { kind: 'network' };
        // A body that broke off after the headers was already counted with its status.
        if (!answered) { const failure = outcome.kind; safe(() => this.observer.onResponse?.({ ...info, status: undefined, failure })); }
      }
      finish();

      // 401: the token expired or was revoked. A refreshing provider gets a new one, once per
      // request; a second 401 (or a fixed token) is AUTH_FAILED, and capture pauses.
      if (outcome.kind === 'status' && outcome.status === 401 && !refreshedAfter401 && isRefreshable(this.tokens)) {
        refreshedAfter401 = true;
        this.tokens.invalidate(token);
        this.log.info({ method, path, try: tries }, 'webex answered 401; refreshing the token and trying again');
        continue;
      }
      const decision = decideRetry(outcome, counts, this.policy, retryOpts, this.random, this.clock.now());
      const status = outcome.kind === 'status' ? outcome.status : undefined;
      if (status === 429 && decision.retryAfterSeconds !== undefined) safe(() => this.observer.onRateLimited?.(decision.retryAfterSeconds!, info));
      if (!decision.retry) {
        if (failure) {
          throw toWebexError({
            method, path, status: failure.status, bodyText: failure.bodyText, trackingIdHeader: failure.headers.get('trackingid'),
            retryAfterSeconds: decision.retryAfterSeconds, secret: token,
          });
        }
        throw transportError(outcome.kind === 'timeout', method, path, tries, this.timeoutMs, lastError, token);
      }
      // Throttling and failures are worth an operator's eye; a scan or REST lag is routine.
      const level = decision.reason === 'not-found' || decision.reason === 'not-yet' || decision.reason === 'unscannable' ? 'info' : 'warn';
      this.log[level]({ method, path, status, reason: decision.reason, delayMs: decision.delayMs, try: tries }, 'webex request will be retried');
      safe(() => this.observer.onRetry?.(decision.reason, { ...info, status, delayMs: decision.delayMs }));
      if (decision.allowUnscannable) {
        const u = new URL(url);
        u.searchParams.set('allow', 'unscannable');
        url = u.toString();
      }
      // 429 pauses every request of this client (limits are per user); other waits are this request's own.
      if (decision.reason === 'rate-limited') this.gate.pauseFor(decision.delayMs);
      else await this.clock.sleep(decision.delayMs, opts.signal);
    }
  }
}

function safe(fn: () => void): void {
  try {
    fn();
  } catch {
    // An observer is for metrics; it must never fail a request.
  }
}

function transportError(timedOut: boolean, method: string, path: string, tries: number, timeoutMs: number, cause: unknown, token: string | undefined): ArchiverError {
  if (cause instanceof ArchiverError) return cause;
  if (timedOut) return new ArchiverError('TIMEOUT', `Webex ${method} ${path} timed out (${timeoutMs} ms per try, ${tries} tries)`, { cause });
  const code = networkCode(cause);
  return new ArchiverError('UNAVAILABLE', scrubSecret(`Webex ${method} ${path} failed: network error${code ? ` ${code}` : ''} (${tries} tries)`, token), { cause });
}

function networkCode(err: unknown): string | undefined {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads at most `limit` bytes of an error body (a misbehaving server cannot make us buffer a file). */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A broken error body still leaves us the status.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * A Node Readable over a fetch body that pulls only as fast as the consumer reads (backpressure)
 * and fails with TIMEOUT when the server sends nothing for `idleMs`: peers report downloads that
 * stall forever (docs/webex-api.md §7). `cleanup` runs once, however the stream ends.
 */
function idleTimedReadable(body: WebReadableStream<Uint8Array>, idleMs: number, what: string, cleanup: () => void): Readable {
  const reader = body.getReader();
  let cleaned = false;
  const cleanOnce = (): void => {
    if (cleaned) return;
    cleaned = true;
    cleanup();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    let finished = false;
    try {
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new ArchiverError('TIMEOUT', `${what}: no data for ${idleMs} ms`)), idleMs);
        });
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await Promise.race([reader.read(), idle]);
        } catch (err) {
          if (err instanceof ArchiverError) throw err;
          throw new ArchiverError('UNAVAILABLE', `${what}: download broke off`, { cause: err });
        } finally {
          clearTimeout(timer);
        }
        if (step.done) {
          finished = true;
          return;
        }
        yield Buffer.from(step.value.buffer, step.value.byteOffset, step.value.byteLength);
      }
    } finally {
      if (!finished) reader.cancel().catch(() => undefined);
      cleanOnce();
    }
  }
  const readable = Readable.from(chunks(), { objectMode: false });
  readable.once('close', cleanOnce);
  return readable;
}
