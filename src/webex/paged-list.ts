import type { Query, WebexHttp } from './http.js';
import { nextPageUrl, paginate, paginatePages, type Page } from './pagination.js';
import type { ListPage } from './types.js';

/**
 * A Webex list: iterate it for the items, or call pages() to see page boundaries (a crawler can
 * checkpoint between pages). Nothing is fetched until iteration starts, and each iteration starts
 * again from the first page.
 */
export interface PagedList<T> extends AsyncIterable<T> {
  pages(): AsyncIterable<Page<T>>;
}

export function pagedList<T>(http: WebexHttp, path: string, query: Query, signal?: AbortSignal): PagedList<T> {
  const fetchPage = async (url: string): Promise<Page<T>> => {
    const { body, headers, url: answered } = await http.json<ListPage<T>>('GET', url, { signal });
    return { items: Array.isArray(body?.items) ? body.items : [], next: nextPageUrl(headers.get('link'), answered) };
  };
  const first = (): string => http.resolve(path, query);
  return {
    [Symbol.asyncIterator]: () => paginate(first(), fetchPage),
    pages: () => paginatePages(first(), fetchPage),
  };
}
