/**
 * The closed set of errors the system raises on purpose. Every one carries a code, a
 * `retriable` flag and a `disposition`; the runner decides retry, park, dead-letter or skip from
 * those alone (as kafkajs does with its `retriable` errors), never from the message text.
 * docs/failure-answers.md maps every server answer we know to one of these codes.
 *
 * Dispositions:
 * - `retry`: transient; try again here with backoff.
 * - `park`: will succeed once an operator acts on one mailbox (full, no permission, absent); the
 *   item must leave the hot path without being lost and come back later. Retriable, so a
 *   processor without a park path waits in place instead of dead-lettering.
 * - `pause`: our credentials or configuration are refused; every item would fail the same way,
 *   so the work pauses and alerts. Retriable (never dead-letter the traffic of an outage).
 * - `permanent`: this item can never succeed as it is; a visible outcome, redrivable after a fix.
 */
export type Disposition = 'retry' | 'park' | 'pause' | 'permanent';

export const ERROR_CODES = {
  // Retriable: the world may be different a moment from now.
  UNAVAILABLE: { retriable: true, disposition: 'retry', doc: 'A dependency (Kafka, registry, blob, mailbox, Webex) is unreachable or answered 5xx' },
  RATE_LIMITED: { retriable: true, disposition: 'retry', doc: 'A 429 or throttling answer; wait as told and try again' },
  NOT_YET: { retriable: true, disposition: 'retry', doc: 'The resource is not ready yet (file being scanned, REST lagging a webhook)' },
  TIMEOUT: { retriable: true, disposition: 'retry', doc: 'An operation took longer than its deadline' },
  MAILBOX_UNAVAILABLE: { retriable: true, disposition: 'park', doc: 'One mailbox cannot take items until an operator acts (full, no permission, absent, account problem): park its tasks' },
  AUTH_FAILED: { retriable: true, disposition: 'pause', doc: 'Our credentials were refused, expired or lack a scope: every item would fail alike, so the work pauses and alerts' },
  // Non-retriable: the same input will fail the same way forever.
  BAD_RECORD: { retriable: false, disposition: 'permanent', doc: 'A record that cannot be decoded or does not satisfy its contract' },
  BAD_INPUT: { retriable: false, disposition: 'permanent', doc: 'Input from outside (a webhook, a fixture, a CSV) is malformed' },
  NOT_FOUND: { retriable: false, disposition: 'permanent', doc: 'The resource does not exist and will not appear' },
  FORBIDDEN: { retriable: false, disposition: 'permanent', doc: 'Access to this one resource is refused for good (not a credential fault: that is AUTH_FAILED)' },
  GONE: { retriable: false, disposition: 'permanent', doc: 'The resource was removed for good (e.g. an infected file, 410)' },
  CONFIG: { retriable: false, disposition: 'permanent', doc: 'The configuration is invalid; names the key' },
  TOO_LARGE: { retriable: false, disposition: 'permanent', doc: 'An item exceeds a hard size limit' },
  REJECTED: { retriable: false, disposition: 'permanent', doc: 'The target refuses this item for good as it is (IMAP CANNOT, a malformed request answered 400, an SMTP 5xx reply, which the message quotes)' },
  INTERNAL: { retriable: false, disposition: 'permanent', doc: 'A programmer error; never retried' },
} as const satisfies Record<string, { retriable: boolean; disposition: Disposition; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ArchiverError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly disposition: Disposition;
  /** Seconds the caller was told to wait (Retry-After), when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ArchiverError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
    this.disposition = ERROR_CODES[code].disposition;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function archiverError(code: ErrorCode, message: string, opts?: { cause?: unknown; retryAfterSeconds?: number }): ArchiverError {
  return new ArchiverError(code, message, opts);
}

/** Unknown errors (a thrown TypeError, a library error) are programmer errors unless they say otherwise. */
export function toArchiverError(err: unknown): ArchiverError {
  if (err instanceof ArchiverError) return err;
  const e = err as { retriable?: unknown; message?: unknown; name?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // kafkajs and @azure errors carry their own retriable hints; trust an explicit flag.
  if (e && e.retriable === true) return new ArchiverError('UNAVAILABLE', message, { cause: err });
  if (isNetworkError(err)) return new ArchiverError('UNAVAILABLE', message, { cause: err });
  return new ArchiverError('INTERNAL', message, { cause: err });
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ESOCKETTIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

export function isNetworkError(err: unknown): boolean {
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
