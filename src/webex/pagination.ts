import { ArchiverError } from '../errors.js';

/**
 * List pagination (docs/webex-api.md §2): every list answers `{items:[...]}` and, while more may follow,
 * an RFC 5988 `Link: <url>; rel="next"` header. Only `rel="next"` is guaranteed. The next URL is
 * opaque (cursor=…, beforeMessage=…): we follow it as given, through empty pages too, until a page
 * carries no next link.
 */

export interface LinkValue {
  url: string;
  /** Every relation type of the link, lower-cased (rel="next last" is two). */
  rels: string[];
  params: Record<string, string>;
}

/**
 * Parses an RFC 5988 (RFC 8288) Link header into its links. Commas and semicolons inside `<…>`
 * or inside quoted strings do not split. Malformed links are skipped, never thrown on: the header
 * is outside input and a bad one just means "no next page".
 */
export function parseLinkHeader(header: string | null | undefined): LinkValue[] {
  if (!header) return [];
  const links: LinkValue[] = [];
  let i = 0;
  const n = header.length;
  while (i < n) {
    const open = header.indexOf('<', i);
    if (open < 0) break;
    const close = header.indexOf('>', open + 1);
    if (close < 0) break;
    const url = header.slice(open + 1, close).trim();
    i = close + 1;
    const params: Record<string, string> = {};
    // Parameters run until a comma outside quotes (the next link-value) or the end.
    while (i < n) {
      while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
      if (header[i] === ',') {
        i++;
        break;
      }
      if (header[i] !== ';') {
        // Garbage between links: skip to the next link-value.
        const comma = header.indexOf(',', i);
        i = comma < 0 ? n : comma + 1;
        break;
      }
      i++;
      const eq = indexOfAny(header, '=;,', i);
      const name = header.slice(i, eq < 0 ? n : eq).trim().toLowerCase();
      if (eq < 0 || header[eq] !== '=') {
        if (name) params[name] = '';
        i = eq < 0 ? n : eq;
        continue;
      }
      i = eq + 1;
      while (i < n && header[i] === ' ') i++;
      let value: string;
      if (header[i] === '"') {
        let j = i + 1;
        let out = '';
        while (j < n && header[j] !== '"') {
          if (header[j] === '\\' && j + 1 < n) j++;
          out += header[j];
          j++;
        }
        value = out;
        i = j + 1;
      } else {
        const end = indexOfAny(header, ';,', i);
        value = header.slice(i, end < 0 ? n : end).trim();
        i = end < 0 ? n : end;
      }
      // RFC 8288 §3: a parameter that occurs twice keeps its first value.
      if (name && !(name in params)) params[name] = value;
    }
    if (url === '') continue;
    const rels = (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    links.push({ url, rels, params });
  }
  return links;
}

function indexOfAny(s: string, chars: string, from: number): number {
  for (let k = from; k < s.length; k++) if (chars.includes(s[k]!)) return k;
  return -1;
}

/**
 * The absolute URL of the next page, or undefined. Relative references resolve against the page
 * that carried them (RFC 8288 §3.2). A next link to another origin is refused: following it would
 * hand our bearer token to a host we never chose to trust.
 */
export function nextPageUrl(header: string | null | undefined, pageUrl: string): string | undefined {
  const link = parseLinkHeader(header).find((l) => l.rels.includes('next'));
  if (!link) return undefined;
  let next: URL;
  try {
    next = new URL(link.url, pageUrl);
  } catch {
    throw new ArchiverError('BAD_INPUT', `Webex sent an unparsable next link on ${stripQuery(pageUrl)}`);
  }
  if (next.origin !== new URL(pageUrl).origin) {
    throw new ArchiverError('BAD_INPUT', `Webex sent a next link to another origin (${next.origin}); not followed`);
  }
  return repairNextUrl(next, pageUrl).toString();
}

/**
 * Next links have been seen with `max=null`, which the service then rejects (PYSDK
 * `_fix_next_url`). This is the one edit we make to an otherwise opaque URL: put back the page
 * size we asked for, or drop the parameter.
 */
function repairNextUrl(next: URL, pageUrl: string): URL {
  if (next.searchParams.get('max') !== 'null') return next;
  const asked = new URL(pageUrl).searchParams.get('max');
  if (asked && asked !== 'null') next.searchParams.set('max', asked);
  else next.searchParams.delete('max');
  return next;
}

export function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

export interface Page<T> {
  items: T[];
  /** Absolute URL of the next page, if any. */
  next: string | undefined;
}

/**
 * Yields every page from `firstUrl` on, following next links until there is none. Empty pages
 * are yielded too (they may still carry next). A next URL seen before means the service is not
 * making progress; we stop with an error rather than loop forever.
 */
export async function* paginatePages<T>(firstUrl: string, fetchPage: (url: string) => Promise<Page<T>>): AsyncGenerator<Page<T>, void, undefined> {
  const seen = new Set<string>();
  let url: string | undefined = firstUrl;
  while (url !== undefined) {
    seen.add(url);
    const page: Page<T> = await fetchPage(url);
    yield page;
    if (page.next !== undefined && seen.has(page.next)) {
      throw new ArchiverError('UNAVAILABLE', `Webex pagination loops back to ${stripQuery(page.next)}; stopped`);
    }
    url = page.next;
  }
}

/** Yields every item of every page, in list order. */
export async function* paginate<T>(firstUrl: string, fetchPage: (url: string) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  for await (const page of paginatePages(firstUrl, fetchPage)) yield* page.items;
}
