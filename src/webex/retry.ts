/**
 * When to try a Webex request again, and how long to wait first. Pure: the transport reports what
 * happened, this decides. Sources (docs/webex-api.md): 429 and 423 carry Retry-After in seconds (§1, §3;
 * the PYSDK defaults a missing one to 15 s and never waits under 1 s); 410 is final (infected file);
 * 428 needs `?allow=unscannable`; REST lags webhooks so a 404 just after one may be retried (§4);
 * 5xx, 408 and network failures are transient (HEAD can time out in huge rooms, §1).
 */

export type RetryReason = 'rate-limited' | 'server-error' | 'timeout' | 'network' | 'not-yet' | 'not-found' | 'unscannable';

export interface RetryPolicy {
  /** Total tries for transient failures (5xx, 408, timeouts, network errors), the first included. */
  maxAttempts: number;
  /** First backoff step for transient failures; doubles per try, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How many 429s in a row one request may meet before giving up with RATE_LIMITED. */
  maxRateLimitRetries: number;
  /** Used when a 429 or 423 has no (usable) Retry-After (PYSDK: 15 s). */
  defaultRetryAfterSeconds: number;
  /** Longest wait we accept to honour; longer Retry-After values are clamped (tests set it low). */
  retryAfterCapSeconds: number;
  /** How many 423 (file under anti-malware scan) answers one request may meet. */
  maxNotYetRetries: number;
  /** First backoff step for 404 retries asked for with `retryNotFound`. */
  notFoundBaseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRateLimitRetries: 10,
  defaultRetryAfterSeconds: 15,
  retryAfterCapSeconds: 3600,
  maxNotYetRetries: 5,
  notFoundBaseDelayMs: 1000,
};

/** What one try ended with, as far as retrying cares. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; retryAfter?: string | null }
  | { kind: 'timeout' }
  | { kind: 'network' };

/** Retries already spent by one request, per kind. */
export interface RetryCounts {
  transient: number;
  rateLimited: number;
  notYet: number;
  notFound: number;
  unscannable: number;
}

export function newRetryCounts(): RetryCounts {
  return { transient: 0, rateLimited: 0, notYet: 0, notFound: 0, unscannable: 0 };
}

export interface RequestRetryOptions {
  /** Retry a 404 this many times (REST lagging a webhook). Default 0. */
  retryNotFound?: number;
  /** On 428, retry once with `?allow=unscannable` (the caller accepts the risk). */
  allowUnscannable?: boolean;
}

export type RetryDecision =
  | { retry: true; reason: RetryReason; delayMs: number; retryAfterSeconds?: number; allowUnscannable?: true }
  | { retry: false; retryAfterSeconds?: number };

/**
 * Retry-After as seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP-date). Missing or unusable
 * → `defaultSeconds`; never under 1 s, so a `Retry-After: 0` cannot make us spin.
 */
export function parseRetryAfter(header: string | null | undefined, defaultSeconds: number, nowMs: number = Date.now()): number {
  const raw = header?.trim();
  let seconds = defaultSeconds;
  if (raw) {
    if (/^\d+$/.test(raw)) seconds = Number(raw);
    else {
      const at = Date.parse(raw);
      if (!Number.isNaN(at) && /[a-z]/i.test(raw)) seconds = Math.ceil((at - nowMs) / 1000);
    }
  }
  return Math.max(1, seconds);
}

/** Exponential backoff with "equal jitter": half the step is fixed, half random, so waits never collapse to 0. */
export function backoffDelayMs(retryNumber: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

function isTransientStatus(status: number): boolean {
  return status === 408 || status >= 500;
}

/**
 * Decides whether to retry after `outcome`, given the retries already spent (`counts`, updated in
 * place when the answer is retry). 401/403/410/400 and other 4xx are never retried.
 */
export function decideRetry(
  outcome: AttemptOutcome,
  counts: RetryCounts,
  policy: RetryPolicy,
  opts: RequestRetryOptions = {},
  random: () => number = Math.random,
  nowMs: number = Date.now(),
): RetryDecision {
  if (outcome.kind === 'timeout' || outcome.kind === 'network') {
    return transient(outcome.kind, counts, policy, random);
  }
  const { status } = outcome;
  if (status === 429) {
    const told = parseRetryAfter(outcome.retryAfter, policy.defaultRetryAfterSeconds, nowMs);
    if (counts.rateLimited >= policy.maxRateLimitRetries) return { retry: false, retryAfterSeconds: told };
    counts.rateLimited += 1;
    const wait = Math.min(told, policy.retryAfterCapSeconds);
    return { retry: true, reason: 'rate-limited', delayMs: wait * 1000, retryAfterSeconds: told };
  }
  if (status === 423) {
    const told = parseRetryAfter(outcome.retryAfter, policy.defaultRetryAfterSeconds, nowMs);
    if (counts.notYet >= policy.maxNotYetRetries) return { retry: false, retryAfterSeconds: told };
    counts.notYet += 1;
    return { retry: true, reason: 'not-yet', delayMs: Math.min(told, policy.retryAfterCapSeconds) * 1000, retryAfterSeconds: told };
  }
  if (status === 428) {
    if (!opts.allowUnscannable || counts.unscannable > 0) return { retry: false };
    counts.unscannable += 1;
    return { retry: true, reason: 'unscannable', delayMs: 0, allowUnscannable: true };
  }
  if (status === 404) {
    const allowed = opts.retryNotFound ?? 0;
    if (counts.notFound >= allowed) return { retry: false };
    counts.notFound += 1;
    return { retry: true, reason: 'not-found', delayMs: backoffDelayMs(counts.notFound, policy.notFoundBaseDelayMs, policy.maxDelayMs, random) };
  }
  if (isTransientStatus(status)) {
    const decision = transient(status === 408 ? 'timeout' : 'server-error', counts, policy, random);
    // A 503 may say when to come back; never come back sooner than that.
    if (decision.retry && outcome.retryAfter) {
      const told = parseRetryAfter(outcome.retryAfter, 0, nowMs);
      decision.delayMs = Math.max(decision.delayMs, Math.min(told, policy.retryAfterCapSeconds) * 1000);
    }
    return decision;
  }
  return { retry: false };
}

function transient(reason: 'timeout' | 'network' | 'server-error', counts: RetryCounts, policy: RetryPolicy, random: () => number): RetryDecision {
  // maxAttempts counts the first try: with 5, at most 4 retries.
  if (counts.transient + 1 >= policy.maxAttempts) return { retry: false };
  counts.transient += 1;
  return { retry: true, reason, delayMs: backoffDelayMs(counts.transient, policy.baseDelayMs, policy.maxDelayMs, random) };
}
