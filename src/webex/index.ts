/** The Webex API client and webhook signatures: the only code that talks to Webex. */
export { createWebexClient, type WebexClient, type WebexClientOptions, type EventListQuery, type GetOptions, type MembershipListQuery, type MessageListQuery, type PeopleListQuery, type RoomListQuery } from './client.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export { filenameFromContentDisposition } from './content-disposition.js';
export type { ContentOptions, ContentStream, ContentsApi } from './contents.js';
export { WebexHttp, type RequestInfo, type WebexHttpOptions, type WebexObserver } from './http.js';
export { createLimiter, type Limiter } from './limiter.js';
export type { PagedList } from './paged-list.js';
export { nextPageUrl, paginate, paginatePages, parseLinkHeader, type LinkValue, type Page } from './pagination.js';
export { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, type RetryPolicy, type RetryReason } from './retry.js';
export { signWebhookBody, verifyWebhookSignature } from './signature.js';
export { refreshingToken, staticToken, type RefreshingTokenOptions, type RefreshingTokenProvider, type TokenProvider } from './token.js';
export * from './types.js';
export { isUnscannable, WebexApiError, type WebexErrorReason } from './webex-error.js';
