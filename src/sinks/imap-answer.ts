import { ArchiverError, type ErrorCode } from '../errors.js';

/**
 * What an IMAP server's refusal means for us, decided by its structured part only: the response
 * code in brackets (RFC 5530, TRYCREATE from RFC 3501 §7.1), the status (NO, BAD, BYE) and whether
 * it answered LOGIN/AUTHENTICATE. Never by the human text, which differs between servers and
 * versions (docs/failure-answers.md, IMAP).
 */
export interface ImapFailure {
  /** imapflow's `serverResponseCode`: the bracketed code, upper case (`OVERQUOTA`), or `APPENDLIMIT` when imapflow refused an APPEND above the advertised limit (RFC 7889). */
  serverResponseCode?: string | false;
  responseStatus?: string;
  /** imapflow sets it when LOGIN or AUTHENTICATE got a tagged NO/BAD. */
  authenticationFailed?: boolean;
  /** imapflow's `ETHROTTLE` (Microsoft 365's throttled BAD), or a socket error code. */
  code?: string;
  /** Milliseconds the server asked us to back off (ETHROTTLE). */
  throttleReset?: number;
  responseText?: string;
  message?: string;
}

const BY_RESPONSE_CODE: Record<string, ErrorCode> = {
  // Transient on the server's side: try again (SERVERBUG and CORRUPTION also alert: they are logged as retries).
  UNAVAILABLE: 'UNAVAILABLE',
  INUSE: 'UNAVAILABLE',
  EXPUNGEISSUED: 'UNAVAILABLE',
  CORRUPTION: 'UNAVAILABLE',
  SERVERBUG: 'UNAVAILABLE',
  // Our credential: every mailbox fails alike; pause and alert.
  AUTHENTICATIONFAILED: 'AUTH_FAILED',
  EXPIRED: 'AUTH_FAILED',
  PRIVACYREQUIRED: 'AUTH_FAILED',
  // One mailbox an operator must fix (quota, ACL, proxy right, account): park it.
  OVERQUOTA: 'MAILBOX_UNAVAILABLE',
  NOPERM: 'MAILBOX_UNAVAILABLE',
  AUTHORIZATIONFAILED: 'MAILBOX_UNAVAILABLE',
  CONTACTADMIN: 'MAILBOX_UNAVAILABLE',
  // This item on this target, for good.
  LIMIT: 'TOO_LARGE',
  APPENDLIMIT: 'TOO_LARGE',
  TOOBIG: 'TOO_LARGE',
  CANNOT: 'REJECTED',
  CLIENTBUG: 'INTERNAL',
  // The folder went away between our LIST and the APPEND: the sink creates it and tries again.
  TRYCREATE: 'UNAVAILABLE',
  NONEXISTENT: 'UNAVAILABLE',
};

/** True when the answer says the target folder is missing (create it, then retry). */
export function isFolderMissing(err: unknown): boolean {
  const code = responseCodeOf(err);
  return code === 'TRYCREATE' || code === 'NONEXISTENT';
}

/** True for CREATE of a folder that exists (RFC 5530 ALREADYEXISTS): success. */
export function isAlreadyExists(err: unknown): boolean {
  return responseCodeOf(err) === 'ALREADYEXISTS';
}

/** True for a NO that carried no response code (servers without RFC 5530): the sink retries it a few times, then parks. */
export function isPlainRefusal(err: unknown): boolean {
  const e = err as ImapFailure | undefined;
  return !!e && e.responseStatus === 'NO' && !responseCodeOf(err) && !e.authenticationFailed;
}

/**
 * A server without RFC 5530 codes refuses with a plain NO that says nothing we may act on: it is
 * retried, and after this many in a row for one mailbox the mailbox is parked (MAILBOX_UNAVAILABLE)
 * for an operator to look at (docs/failure-answers.md, IMAP).
 */
export const PLAIN_REFUSALS_BEFORE_PARK = 3;

/**
 * Counts plain NO answers in a row per mailbox. `note` takes the sink's classified error (whose
 * cause is the server's answer) and returns what to throw: the error itself, or MAILBOX_UNAVAILABLE
 * once the count reaches the limit; `reset` after a success.
 */
export function plainRefusalCounter(limit = PLAIN_REFUSALS_BEFORE_PARK): { note(mailbox: string, err: unknown): unknown; reset(mailbox: string): void } {
  const counts = new Map<string, number>();
  return {
    note(mailbox, err) {
      const cause = (err as { cause?: unknown } | undefined)?.cause;
      if (!isPlainRefusal(cause)) return err;
      const n = (counts.get(mailbox) ?? 0) + 1;
      counts.set(mailbox, n);
      if (n < limit) return err;
      return new ArchiverError('MAILBOX_UNAVAILABLE', `${(err as Error).message} (${n} plain NO answers in a row: parked)`, { cause });
    },
    reset(mailbox) { counts.delete(mailbox); },
  };
}

function responseCodeOf(err: unknown): string | undefined {
  const c = (err as ImapFailure | undefined)?.serverResponseCode;
  return typeof c === 'string' && c !== '' ? c.toUpperCase() : undefined;
}

export function classifyImapFailure(what: string, err: unknown): ArchiverError {
  if (err instanceof ArchiverError) return err;
  const e = (err ?? {}) as ImapFailure;
  const text = `${e.responseText ?? ''} ${e.message ?? ''}`.trim() || String(err);
  const code = responseCodeOf(err);
  const tag = code ? ` [${code}]` : '';
  const make = (c: ErrorCode, extra: { retryAfterSeconds?: number } = {}) => new ArchiverError(c, `imap ${what}:${tag} ${text}`, { cause: err, ...extra });
  if (e.code === 'ETHROTTLE') return make('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil((e.throttleReset ?? 5000) / 1000)) });
  if (code && BY_RESPONSE_CODE[code]) return make(BY_RESPONSE_CODE[code]);
  // A refused login without a known code is a credential the server does not take.
  if (e.authenticationFailed) return make('AUTH_FAILED');
  // BAD answers a command we built: ours to fix, visible.
  if (e.responseStatus === 'BAD') return make('INTERNAL');
  // A plain NO (no code) or an unknown code: transient until proven otherwise (the sink bounds it).
  // BYE, a dropped connection, a timeout: may heal.
  return make('UNAVAILABLE');
}
