import { ArchiverError } from '../../errors.js';

/**
 * Client-credentials tokens from the Microsoft identity platform (v2.0):
 * POST {authority}/{tenant}/oauth2/v2.0/token, form-encoded client_id, client_secret,
 * scope=https://graph.microsoft.com/.default, grant_type=client_credentials. Cached until a minute
 * before `expires_in`; concurrent callers share one request. The secret never leaves this module.
 */
/** `invalidate(refused)` drops the cached token only when it is the one refused, so concurrent 401s cause one new grant. */
export interface GraphTokenSource { get(): Promise<string>; invalidate(refused?: string): void }

export function clientCredentialsToken(opts: { authority: string; tenantId: string; clientId: string; clientSecret: string; scope?: string; now?: () => number }): GraphTokenSource {
  const now = opts.now ?? Date.now;
  let cached: { token: string; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  async function fetchToken(): Promise<string> {
    const url = `${opts.authority.replace(/\/+$/, '')}/${encodeURIComponent(opts.tenantId)}/oauth2/v2.0/token`;
    const body = new URLSearchParams({ client_id: opts.clientId, client_secret: opts.clientSecret, scope: opts.scope ?? 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new ArchiverError('UNAVAILABLE', `graph token: ${(err as Error).message}`, { cause: err });
    }
    const json = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string; error_codes?: number[] };
    // Our app's credential refused: every mailbox fails alike, so the work pauses (never a dead letter).
    if (res.status === 400 || res.status === 401 || res.status === 403) throw new ArchiverError('AUTH_FAILED', `graph token refused: ${json.error ?? res.status}${json.error_codes ? ` (AADSTS${json.error_codes[0]})` : ''}`);
    if (!res.ok || !json.access_token) throw new ArchiverError('UNAVAILABLE', `graph token: HTTP ${res.status}`);
    cached = { token: json.access_token, expiresAt: now() + Math.max(60, (json.expires_in ?? 3599) - 60) * 1000 };
    return json.access_token;
  }
  return {
    get() {
      if (cached && now() < cached.expiresAt) return Promise.resolve(cached.token);
      inFlight ??= fetchToken().finally(() => { inFlight = undefined; });
      return inFlight;
    },
    invalidate(refused) { if (refused === undefined || cached?.token === refused) cached = undefined; },
  };
}
