import type { Query, WebexHttp } from './http.js';
import { nextPageUrl, paginate, paginatePages, type Page } from './pagination.js';
import type { ListPage } from './types.js';

/**
 * A Webex list: iterate it for the items, or call pages() to see page boundaries (a crawler can
 * checkpoint between pages, and resume at a next link it kept: `startAt`). Nothing is fetched
 * until iteration starts, and each iteration starts again from the first page.
 */
export interface PagedList<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<Page<T>>;
}

export function pagedList<T>(http: WebexHttp, path: string, query: Query, signal?: AbortSignal, startAt?: string): PagedList<T> {
  const fetchPage = async (url: string): Promise<Page<T>> => {
    const { body, headers, url: answered } = await http.json<ListPage<T>>('GET', url, { signal });
    const page = { items: Array.isArray(body?.items) ? body.items : [], next: nextPageUrl(headers.get('link'), answered) };
    const at = new URL(answered);
    const max = Number(at.searchParams.get('max'));
    http.notePage({ path: at.pathname, items: page.items.length, max: Number.isInteger(max) && max > 0 ? max : undefined, more: page.next !== undefined });
    return page;
  };
  // A kept next link goes through resolve too: it must be on the base's origin (the token goes nowhere else).
  const first = (): string => (startAt ? http.resolve(startAt) : http.resolve(path, query));
  return {
    [Symbol.asyncIterator]: () => paginate(first(), fetchPage),
    pages: () => paginatePages(first(), fetchPage),
  };
}
