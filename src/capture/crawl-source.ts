import type { WebexEvent } from '../webex/types.js';
import type { WebexReader, WxMessage, WxRoom } from './webex-reader.js';

/** A compliance event (GET /events): `data` is a snapshot of the resource when it happened. */
export type WxEvent = WebexEvent;

/** What the reconciliation crawler reads on top of what hydrate reads. */
export interface CrawlSource extends WebexReader {
  /**
   * Events with `from` < created <= `to` (any order; the crawler sorts a window itself). Without
   * `to`, up to Webex's own now: a `to` ahead of its clock is refused (400), so hydrate's reads up
   * to "now" leave it out rather than trust the local clock.
   */
  listEvents(q: { resource: string; from: string; to?: string }): AsyncIterable<WxEvent>;
  listRooms(): AsyncIterable<WxRoom>;
  /** Newest first, like GET /messages; the crawler stops once it is past `since`. */
  listMessages(roomId: string): AsyncIterable<WxMessage>;
}
