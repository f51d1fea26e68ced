import { ArchiverError } from '../../errors.js';
import type { GraphTokenSource } from './token.js';

/**
 * One Graph request: bearer token (refreshed once on 401), the documented error body
 * {error:{code,message}}, and 429/503 Retry-After honoured a few times before the runner takes over.
 * Errors are classified by `code` and status, never by message text.
 */
export interface GraphResponse<T> { status: number; body: T }

export async function graphRequest<T>(token: GraphTokenSource, method: string, url: string, opts: { json?: unknown; text?: string; retries?: number } = {}): Promise<GraphResponse<T>> {
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { authorization: `Bearer ${await token.get()}` };
    let body: string | undefined;
    if (opts.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(opts.json); }
    if (opts.text !== undefined) { headers['content-type'] = 'text/plain'; body = opts.text; }
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(120_000) });
    } catch (err) {
      throw new ArchiverError('UNAVAILABLE', `graph ${method} ${new URL(url).pathname}: ${(err as Error).message}`, { cause: err });
    }
    const parsed = (await res.json().catch(() => ({}))) as T & { error?: { code?: string } };
    if (res.ok) return { status: res.status, body: parsed };
    const code = parsed.error?.code ?? `HTTP ${res.status}`;
    if (res.status === 401 && attempt === 0) { token.invalidate(); continue; }
    if (res.status === 429 || res.status === 503 || res.status === 504) {
      const retryAfter = Math.max(1, Number(res.headers.get('retry-after')) || 3);
      if (attempt < retries) { await new Promise((r) => setTimeout(r, retryAfter * 1000)); continue; }
      throw new ArchiverError('RATE_LIMITED', `graph ${code}`, { retryAfterSeconds: retryAfter });
    }
    if (res.status === 401 || res.status === 403) throw new ArchiverError('FORBIDDEN', `graph ${code}`);
    if (res.status === 404) throw new ArchiverError('NOT_FOUND', `graph ${code}`);
    if (res.status === 413 || code === 'ErrorMessageSizeExceeded') throw new ArchiverError('TOO_LARGE', `graph ${code}`);
    if (res.status >= 500) throw new ArchiverError('UNAVAILABLE', `graph ${code}`);
    const err = new ArchiverError('BAD_INPUT', `graph ${code}`);
    (err as ArchiverError & { graphCode?: string; status?: number }).graphCode = code;
    (err as ArchiverError & { graphCode?: string; status?: number }).status = res.status;
    throw err;
  }
}
