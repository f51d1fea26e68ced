import type { Page } from '../webex/pagination.js';
import type { WebexEvent } from '../webex/types.js';
import type { WebexReader, WxMessage, WxRoom } from './webex-reader.js';

/** The largest page the rooms and events lists accept (1–1000), and what is asked of messages and memberships, whose bound is not documented (docs/webex-api.md §2). */
export const LIST_MAX = 1000;

/** A compliance event (GET /events): `data` is a snapshot of the resource when it happened. */
export type WxEvent = WebexEvent;

/** What the reconciliation crawler reads on top of what hydrate reads. */
export interface CrawlSource extends WebexReader {
  /**
   * Events with `from` <= created < `to`, in whatever order Webex lists them (its docs promise
   * none for /events). Without `to`, up to Webex's own now: a `to` ahead of its clock is refused
   * (400), so hydrate's reads up to "now" leave it out rather than trust the local clock.
   */
  listEvents(q: { resource: string; from: string; to?: string }): AsyncIterable<WxEvent>;
  /**
   * The same list page by page, `max` per page (1–1000), for a crawl that checkpoints between
   * pages: `startAt` resumes at a next link an earlier page carried.
   */
  eventPages(q: { resource: string; from: string; to: string; max: number; startAt?: string }): AsyncIterable<Page<WxEvent>>;
  listRooms(): AsyncIterable<WxRoom>;
  /** Newest first, like GET /messages; the crawler stops once it is past `since`. */
  listMessages(roomId: string): AsyncIterable<WxMessage>;
}
