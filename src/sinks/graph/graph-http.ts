import { ArchiverError } from '../../errors.js';
import { classifyGraphAnswer, isRetriedInPlace } from './graph-answer.js';
import type { GraphTokenSource } from './token.js';

/**
 * One Graph request: bearer token (refreshed once on 401), the documented error body
 * {error:{code,message}}, and 429/502/503/504 Retry-After honoured a few times before the runner
 * takes over. Errors are classified by `code` and status, never by message text (graph-answer.ts).
 */
export interface GraphResponse<T> { status: number; body: T }

export async function graphRequest<T>(token: GraphTokenSource, method: string, url: string, opts: { json?: unknown; text?: string; retries?: number } = {}): Promise<GraphResponse<T>> {
  const retries = opts.retries ?? 3;
  const what = `${method} ${new URL(url).pathname}`;
  let refreshed = false;
  for (let attempt = 0; ; attempt++) {
    const bearer = await token.get();
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}` };
    let body: string | undefined;
    if (opts.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(opts.json); }
    if (opts.text !== undefined) { headers['content-type'] = 'text/plain'; body = opts.text; }
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(120_000) });
      text = await res.text();
    } catch (err) {
      throw new ArchiverError('UNAVAILABLE', `graph ${what}: ${(err as Error).message}`, { cause: err });
    }
    let parsed: (T & { error?: { code?: string } }) | undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (res.ok) {
      // A 2xx we cannot read says nothing: above all not "no such message" (that would import a
      // second copy). Retried, like a dropped connection.
      if (parsed === undefined || typeof parsed !== 'object' || parsed === null) throw new ArchiverError('UNAVAILABLE', `graph ${what}: ${res.status} with a body that cannot be read`);
      return { status: res.status, body: parsed };
    }
    const graphCode = parsed?.error?.code;
    // An expired or revoked token: a new one, once (learn.microsoft.com/graph/errors, 401).
    if (res.status === 401 && !refreshed) { refreshed = true; token.invalidate(bearer); continue; }
    const retryAfter = Math.max(1, Number(res.headers.get('retry-after')) || 3);
    if (isRetriedInPlace(res.status) && attempt < retries) { await new Promise((r) => setTimeout(r, retryAfter * 1000)); continue; }
    throw classifyGraphAnswer(res.status, graphCode, what, isRetriedInPlace(res.status) ? retryAfter : undefined);
  }
}
