/**
 * The closed set of errors the system raises on purpose. Every one carries a code and a
 * `retriable` flag; the runner decides retry, dead-letter or skip from that flag alone
 * (as kafkajs does with its `retriable` errors), never from the message text.
 */
export const ERROR_CODES = {
  // Retriable: the world may be different a moment from now.
  UNAVAILABLE: { retriable: true, doc: 'A dependency (Kafka, registry, blob, mailbox, Webex) is unreachable or answered 5xx' },
  RATE_LIMITED: { retriable: true, doc: 'A 429 or throttling answer; wait as told and try again' },
  NOT_YET: { retriable: true, doc: 'The resource is not ready yet (file being scanned, REST lagging a webhook)' },
  TIMEOUT: { retriable: true, doc: 'An operation took longer than its deadline' },
  // Non-retriable: the same input will fail the same way forever.
  BAD_RECORD: { retriable: false, doc: 'A record that cannot be decoded or does not satisfy its contract' },
  BAD_INPUT: { retriable: false, doc: 'Input from outside (a webhook, a fixture, a CSV) is malformed' },
  NOT_FOUND: { retriable: false, doc: 'The resource does not exist and will not appear' },
  FORBIDDEN: { retriable: false, doc: 'Credentials were refused or lack the permission' },
  GONE: { retriable: false, doc: 'The resource was removed for good (e.g. an infected file, 410)' },
  CONFIG: { retriable: false, doc: 'The configuration is invalid; names the key' },
  TOO_LARGE: { retriable: false, doc: 'An item exceeds a hard size limit' },
  REJECTED: { retriable: false, doc: 'The receiving server refused this item for good (an SMTP 5xx reply, which the message quotes)' },
  INTERNAL: { retriable: false, doc: 'A programmer error; never retried' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ArchiverError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  /** Seconds the caller was told to wait (Retry-After), when known. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ArchiverError';
    this.code = code;
    this.retriable = ERROR_CODES[code].retriable;
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
