import type { Readable } from 'node:stream';
import { filenameFromContentDisposition } from './content-disposition.js';
import type { WebexHttp } from './http.js';
import type { ContentInfo } from './types.js';

/**
 * File contents (docs/webex-api.md §1, File contents). A message's `files` holds URLs of the form
 * `{base}/contents/{id}`; both that URL and a bare content id are accepted. HEAD gives the
 * metadata; GET streams the bytes. Anti-malware answers: 423 is waited out per Retry-After, 410
 * (infected) is GONE, 428 (unscannable) is FORBIDDEN with reason `unscannable` unless the caller
 * accepts the risk with `allowUnscannable`, in which case `?allow=unscannable` is added.
 */
export interface ContentOptions {
  allowUnscannable?: boolean;
  /** A 404 right after a webhook may be REST lagging; retry this many times. */
  retryNotFound?: number;
  signal?: AbortSignal;
}

export interface ContentStream {
  info: ContentInfo;
  /** The bytes as they arrive. Consume or destroy it: it holds a request slot until it closes. */
  body: Readable;
}

export interface ContentsApi {
  head(urlOrId: string, opts?: ContentOptions): Promise<ContentInfo>;
  open(urlOrId: string, opts?: ContentOptions): Promise<ContentStream>;
}

export function contentPath(urlOrId: string): string {
  return /^https?:\/\//i.test(urlOrId) ? urlOrId : `/contents/${encodeURIComponent(urlOrId)}`;
}

export function toContentInfo(headers: Headers, unscannable: boolean): ContentInfo {
  const length = headers.get('content-length');
  const n = length === null ? NaN : Number(length);
  return {
    filename: filenameFromContentDisposition(headers.get('content-disposition')),
    contentType: headers.get('content-type') ?? undefined,
    contentLength: Number.isSafeInteger(n) && n >= 0 ? n : undefined,
    unscannable,
  };
}

export function createContentsApi(http: WebexHttp): ContentsApi {
  return {
    async head(urlOrId, opts = {}) {
      const { headers, unscannable } = await http.head(contentPath(urlOrId), opts);
      return toContentInfo(headers, unscannable);
    },
    async open(urlOrId, opts = {}) {
      const { headers, body, unscannable } = await http.stream(contentPath(urlOrId), opts);
      return { info: toContentInfo(headers, unscannable), body };
    },
  };
}
