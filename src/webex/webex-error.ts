import { ArchiverError, type ErrorCode } from '../errors.js';

/**
 * Errors from Webex answers. Each is an ArchiverError (so the runner retries on `retriable` alone)
 * that also keeps the HTTP status, the Webex trackingId (what Cisco support asks for) and, where
 * the code alone is ambiguous, a reason: 428 is FORBIDDEN with reason `unscannable`, 410 on a file
 * is GONE with reason `infected` (docs/webex-api.md §1, File contents). The reason comes from the status
 * code, never from the message text (Cisco's 428 text does not even contain the word).
 * 401 (after one refresh, see http.ts) and 403 are AUTH_FAILED: the token is refused or lacks a
 * scope or the compliance role, so every request fails alike and capture pauses instead of
 * dead-lettering (docs/failure-answers.md, Webex).
 */
export type WebexErrorReason = 'unscannable' | 'infected' | 'scanning' | 'unauthorized' | 'forbidden' | 'rate-limited';

export class WebexApiError extends ArchiverError {
  readonly status: number | undefined;
  readonly trackingId: string | undefined;
  readonly reason: WebexErrorReason | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { status?: number; trackingId?: string; reason?: WebexErrorReason; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: opts.cause, retryAfterSeconds: opts.retryAfterSeconds });
    this.status = opts.status;
    this.trackingId = opts.trackingId;
    this.reason = opts.reason;
  }
}

/** True for the 428 answer: the file could not be scanned and was not downloaded. */
export function isUnscannable(err: unknown): boolean {
  return err instanceof WebexApiError && err.reason === 'unscannable';
}

interface ErrorBody {
  message?: string;
  trackingId?: string;
}

/**
 * Reads `{message, errors:[{description}], trackingId}` (docs/webex-api.md §0) when the body is JSON;
 * a 429 may come as text/html (§3), which yields nothing.
 */
export function parseErrorBody(text: string): ErrorBody {
  try {
    const body = JSON.parse(text) as { message?: unknown; errors?: unknown; trackingId?: unknown };
    const out: ErrorBody = {};
    if (typeof body.message === 'string') out.message = body.message;
    else if (Array.isArray(body.errors)) {
      const d = (body.errors[0] as { description?: unknown } | undefined)?.description;
      if (typeof d === 'string') out.message = d;
    }
    if (typeof body.trackingId === 'string') out.trackingId = body.trackingId;
    return out;
  } catch {
    return {};
  }
}

function codeFor(status: number): { code: ErrorCode; reason?: WebexErrorReason } {
  if (status === 401) return { code: 'AUTH_FAILED', reason: 'unauthorized' };
  if (status === 403) return { code: 'AUTH_FAILED', reason: 'forbidden' };
  if (status === 404) return { code: 'NOT_FOUND' };
  if (status === 408) return { code: 'TIMEOUT' };
  if (status === 410) return { code: 'GONE' };
  if (status === 423) return { code: 'NOT_YET', reason: 'scanning' };
  if (status === 428) return { code: 'FORBIDDEN', reason: 'unscannable' };
  if (status === 429) return { code: 'RATE_LIMITED', reason: 'rate-limited' };
  if (status >= 500) return { code: 'UNAVAILABLE' };
  return { code: 'BAD_INPUT' };
}

export interface FailedAnswer {
  method: string;
  /** Path only (no query: it may hold email addresses). */
  path: string;
  status: number;
  bodyText: string;
  trackingIdHeader?: string | null;
  retryAfterSeconds?: number;
  /** A string to blank out of the message, whatever echoed it (the access token). */
  secret?: string;
}

/** The error for a non-2xx answer we will not (or no longer) retry. */
export function toWebexError(a: FailedAnswer): WebexApiError {
  const body = parseErrorBody(a.bodyText);
  const trackingId = body.trackingId ?? a.trackingIdHeader ?? undefined;
  const { code, reason: baseReason } = codeFor(a.status);
  const reason = a.status === 410 && /\/contents\//.test(a.path) ? 'infected' : baseReason;
  const detail = body.message ? `: ${body.message.slice(0, 300)}` : '';
  const wait = a.retryAfterSeconds !== undefined ? ` (Retry-After ${a.retryAfterSeconds} s)` : '';
  const tracking = trackingId ? ` (trackingId ${trackingId})` : '';
  const message = scrubSecret(`Webex ${a.method} ${a.path} answered ${a.status}${detail}${wait}${tracking}`, a.secret);
  return new WebexApiError(code, message, { status: a.status, trackingId, reason, retryAfterSeconds: a.retryAfterSeconds });
}

/** Removes every occurrence of `secret` from `text` (belt and braces: messages echo inputs). */
export function scrubSecret(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
