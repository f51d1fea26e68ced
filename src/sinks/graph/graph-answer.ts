import { ArchiverError, type ErrorCode } from '../../errors.js';

/**
 * What a Microsoft Graph refusal means for us, decided by its status and its `error.code`
 * (learn.microsoft.com/graph/errors: "code against code, never message"); docs/failure-answers.md,
 * Microsoft Graph. 401 is refreshed once by graph-http.ts before it comes here; a 404
 * `ErrorItemNotFound` on a cached folder id is the sink's to handle (forget the id, find or create
 * the folder again), so it is NOT_FOUND here.
 */
export class GraphAnswerError extends ArchiverError {
  constructor(code: ErrorCode, message: string, readonly status: number, readonly graphCode: string, opts: { retryAfterSeconds?: number } = {}) {
    super(code, message, opts);
  }
}

/** Codes of a mailbox that cannot take items until an operator acts: park it. */
const MAILBOX_CODES = new Set(['ErrorAccessDenied', 'Authorization_RequestDenied', 'AccessDenied', 'MailboxNotEnabledForRESTAPI', 'ResourceNotFound', 'ErrorInvalidUser', 'ErrorQuotaExceeded', 'QuotaExceededException', 'ErrorMailboxStoreUnavailable']);

export function classifyGraphAnswer(status: number, graphCode: string | undefined, what: string, retryAfterSeconds?: number): GraphAnswerError {
  const code = graphCode ?? `HTTP ${status}`;
  const make = (c: ErrorCode) => new GraphAnswerError(c, `graph ${what}: ${status} ${code}`, status, code, { retryAfterSeconds });
  if (status === 429) return make('RATE_LIMITED');
  if (status === 401) return make('AUTH_FAILED');
  if (status === 404 && code === 'ErrorItemNotFound') return make('NOT_FOUND');
  if (status === 403 || status === 507 || MAILBOX_CODES.has(code)) return make('MAILBOX_UNAVAILABLE');
  // Any other 404 on a /users/{id} route is the mailbox itself (absent, on-premises, inactive).
  if (status === 404) return make('MAILBOX_UNAVAILABLE');
  if (status === 413 || code === 'ErrorMessageSizeExceeded') return make('TOO_LARGE');
  if (status >= 500) return make('UNAVAILABLE');
  // 400 and the rest: a request we built that Graph will never take (visible, ours to fix).
  return make('REJECTED');
}

/** Transient answers worth a few quick retries here, honouring Retry-After (Graph SDK RetryHandler retries 429, 503, 504). */
export function isRetriedInPlace(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}
