import { ArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import { systemClock, type Clock } from './clock.js';

/**
 * Access tokens for the Authorization header. Either a fixed token (personal, bot, or one handed
 * over by an operator) or an OAuth integration token refreshed with the refresh-token grant
 * (docs/webex-api.md §5: POST /v1/access_token, form-encoded, grant_type=refresh_token, client_id,
 * client_secret, refresh_token; the answer carries access_token, expires_in and refresh_token).
 * Tokens never go into a log line or an error message.
 */
export interface TokenProvider {
  getToken(signal?: AbortSignal): Promise<string>;
}

/** True for a provider that can get a new token when the service refuses the one it has. */
export function isRefreshable(p: TokenProvider): p is RefreshingTokenProvider {
  return typeof (p as Partial<RefreshingTokenProvider>).invalidate === 'function';
}

export function staticToken(token: string): TokenProvider {
  if (!token) throw new ArchiverError('CONFIG', 'Webex access token is empty');
  return { getToken: async () => token };
}

export interface RefreshingTokenOptions {
  /** The API base, e.g. https://webexapis.com/v1; the grant goes to `{baseUrl}/access_token`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** A token already in hand, used until `expiresAt` (ms) minus the margin. */
  accessToken?: string;
  expiresAt?: number;
  /** Refresh this long before expiry (default 5 minutes, at most half the token's lifetime). */
  refreshMarginMs?: number;
  /** Called after each refresh, e.g. to persist a rotated refresh token. */
  onRefreshed?: (t: { accessToken: string; refreshToken: string; expiresAt: number }) => void;
  timeoutMs?: number;
  clock?: Clock;
  log?: Logger;
  fetch?: typeof fetch;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  trackingId?: unknown;
  message?: unknown;
}

export interface RefreshingTokenProvider extends TokenProvider {
  /**
   * Forces the next getToken() to refresh (e.g. after the service refused the token). Given the
   * refused token, only when it is still the current one: many requests in flight with an expired
   * token then cause one refresh, not one each.
   */
  invalidate(refused?: string): void;
  readonly refreshes: number;
}

export function refreshingToken(opts: RefreshingTokenOptions): RefreshingTokenProvider {
  for (const key of ['clientId', 'clientSecret', 'refreshToken'] as const) {
    if (!opts[key]) throw new ArchiverError('CONFIG', `Webex token refresh needs ${key}`);
  }
  const clock = opts.clock ?? systemClock;
  const doFetch = opts.fetch ?? fetch;
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/access_token`;
  const marginMs = opts.refreshMarginMs ?? 5 * 60_000;
  let current = opts.accessToken && opts.expiresAt ? { token: opts.accessToken, refreshAt: opts.expiresAt - marginMs } : undefined;
  let refreshToken = opts.refreshToken;
  let inFlight: Promise<string> | undefined;
  let refreshes = 0;

  const refresh = async (): Promise<string> => {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      refresh_token: refreshToken,
    });
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      // The cause is a fetch/undici error about the connection; it carries no request body.
      const timedOut = (err as { name?: string }).name === 'TimeoutError';
      throw new ArchiverError(timedOut ? 'TIMEOUT' : 'UNAVAILABLE', `Webex token refresh at ${url} failed: ${timedOut ? 'timed out' : 'network error'}`, { cause: err });
    }
    const text = await res.text();
    let answer: TokenAnswer = {};
    try {
      answer = JSON.parse(text) as TokenAnswer;
    } catch {
      // Not JSON (an HTML error page); the status says enough.
    }
    const tracking = typeof answer.trackingId === 'string' ? ` (trackingId ${answer.trackingId})` : '';
    if (!res.ok) {
      // A refused grant is our credential: every request would fail alike, so capture pauses (never dead-letters).
      const code = res.status >= 500 || res.status === 429 ? 'UNAVAILABLE' : 'AUTH_FAILED';
      throw new ArchiverError(code, `Webex token refresh refused: HTTP ${res.status}${tracking}`);
    }
    const expiresIn = Number(answer.expires_in);
    if (typeof answer.access_token !== 'string' || answer.access_token === '' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new ArchiverError('UNAVAILABLE', `Webex token refresh answered without access_token/expires_in${tracking}`);
    }
    if (typeof answer.refresh_token === 'string' && answer.refresh_token !== '') refreshToken = answer.refresh_token;
    const now = clock.now();
    const expiresAt = now + expiresIn * 1000;
    // Short-lived tokens: refresh at half-life rather than never being fresh.
    const margin = Math.min(marginMs, (expiresIn * 1000) / 2);
    current = { token: answer.access_token, refreshAt: expiresAt - margin };
    refreshes += 1;
    opts.log?.info({ expiresAt: new Date(expiresAt).toISOString() }, 'webex access token refreshed');
    opts.onRefreshed?.({ accessToken: answer.access_token, refreshToken, expiresAt });
    return answer.access_token;
  };

  return {
    async getToken() {
      if (current && clock.now() < current.refreshAt) return current.token;
      // One refresh for every concurrent caller: the grant may rotate the refresh token, and a
      // second grant with the old one could be refused.
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(refused) {
      if (refused === undefined || current?.token === refused) current = undefined;
    },
    get refreshes() {
      return refreshes;
    },
  };
}
