import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './http-errors.js';

/**
 * List pagination as Webex does it: `{items:[...]}` bodies and an RFC 5988 `Link: <absolute-url>;
 * rel="next"` header while more may follow; a `max` above the endpoint's limit is silently capped,
 * and a next link may lead to an empty page that itself carries next (docs/webex-api.md §2).
 * Cursors are opaque: base64url JSON holding the sort key of the last item served, so items added
 * at the head while a client pages never shift what it sees next.
 */
export interface PagingFaults {
  /** Next links carry `max=null` (a defect seen in the wild, PYSDK `_fix_next_url`). */
  maxNull: boolean;
  /** Every list starts with an empty page that carries next. */
  emptyPages: boolean;
}

interface Cursor {
  /** Sort key of the last item served; absent before the first item. */
  a?: string;
  /** Set once the synthetic empty first page was served. */
  e?: 1;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

export function decodeCursor(raw: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    return typeof c === 'object' && c !== null ? (c as Cursor) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses `max`: default when absent, capped silently, 400 when not a positive integer (e.g. `null`). */
export function parseMax(raw: unknown, def: number, cap: number): number | { error: string } {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1) return { error: `Invalid max value: ${String(raw)}` };
  return Math.min(n, cap);
}

/** The absolute URL of a next page: same path and filters, new position, and `max`. */
export function nextUrl(baseUrl: string, path: string, query: Record<string, string>, position: Record<string, string>, max: number, faults: PagingFaults): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'max' && k !== 'cursor' && k !== 'beforeMessage') params.set(k, v);
  params.set('max', faults.maxNull ? 'null' : String(max));
  for (const [k, v] of Object.entries(position)) params.set(k, v);
  return `${baseUrl}${path}?${params.toString()}`;
}

export function setNextLink(reply: FastifyReply, url: string): void {
  reply.header('link', `<${url}>; rel="next"`);
}

export interface ListSpec<T> {
  /** Path under the base URL, e.g. `/rooms`. */
  path: string;
  /** All matching items, in list order. */
  items: T[];
  /** A key that strictly increases (asc) or decreases (desc) along `items`. */
  keyOf: (item: T) => string;
  dir: 'asc' | 'desc';
  defaultMax: number;
  capMax: number;
  /** Serve an empty first page with next (observed for memberships?personEmail, docs/webex-api.md §2). */
  emptyFirst?: boolean;
  toJson: (item: T) => unknown;
}

export function sendList<T>(req: FastifyRequest, reply: FastifyReply, baseUrl: string, faults: PagingFaults, spec: ListSpec<T>): FastifyReply {
  const query = req.query as Record<string, string>;
  const max = parseMax(query.max, spec.defaultMax, spec.capMax);
  if (typeof max !== 'number') return sendError(reply, 400, max.error);
  let cursor: Cursor = {};
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor);
    if (!c) return sendError(reply, 400, 'Invalid cursor');
    cursor = c;
  }
  if ((spec.emptyFirst || faults.emptyPages) && !cursor.e && cursor.a === undefined) {
    setNextLink(reply, nextUrl(baseUrl, spec.path, query, { cursor: encodeCursor({ e: 1 }) }, max, faults));
    return reply.send({ items: [] });
  }
  const start = cursor.a === undefined ? 0 : firstAfter(spec, cursor.a);
  const page = spec.items.slice(start, start + max);
  if (start + max < spec.items.length) {
    const last = spec.keyOf(page[page.length - 1]!);
    setNextLink(reply, nextUrl(baseUrl, spec.path, query, { cursor: encodeCursor({ a: last, e: 1 }) }, max, faults));
  }
  return reply.send({ items: page.map(spec.toJson) });
}

/** Index of the first item past `after` in list order (binary search: keys are monotone). */
function firstAfter<T>(spec: ListSpec<T>, after: string): number {
  let lo = 0;
  let hi = spec.items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = spec.keyOf(spec.items[mid]!);
    const past = spec.dir === 'asc' ? k > after : k < after;
    if (past) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** A sortable key from a time and a tie-breaking sequence number. */
export function timeKey(iso: string, seq: number): string {
  return `${iso}|${String(seq).padStart(10, '0')}`;
}
