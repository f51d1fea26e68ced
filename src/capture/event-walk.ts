import { ArchiverError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CheckpointStore } from './checkpoints.js';
import type { CrawlSource, WxEvent } from './crawl-source.js';
import type { Page } from '../webex/pagination.js';
import { planRange, remainingLists, type CrawlRange } from './crawl-window.js';

/**
 * Reads compliance events at page capacity with a checkpoint after every page
 * (docs/architecture.md, "The crawl"). For each range (crawl-window.ts) each resource's list is
 * followed by its Link rel="next" from the first page to the last, `pageSize` events a page; after
 * a page's events are handled (published, recorded), the checkpoint records the list's next link,
 * so a crawler killed at any point resumes at the first page it had not finished. Nothing here
 * relies on the order Webex lists events in: /events documents none.
 */
export interface EventWalkDeps {
  source: Pick<CrawlSource, 'eventPages'>;
  checkpoints: CheckpointStore;
  logger: Logger;
}

export interface EventWalkOptions { now: Date; overlapMinutes: number; firstRunLookbackHours: number; pageSize: number }

export interface EventWalkHooks {
  /** Handles one page's events durably (resolves once they are in Kafka); returns how many records it published. */
  page(resource: string, events: WxEvent[]): Promise<number>;
  /** A range was read to its end, every page handled, before its checkpoint moves past it. */
  rangeDone?(range: CrawlRange): Promise<void>;
  progress?(p: { pages: number; published: number; detail: string }): void;
}

export async function walkEvents(deps: EventWalkDeps, name: string, resources: readonly string[], opts: EventWalkOptions, hooks: EventWalkHooks): Promise<{ pages: number; published: number }> {
  const runStartedAt = new Date().toISOString();
  let pages = 0;
  let published = 0;
  const put = (fields: { cursor: string; complete: boolean; rangeTo: string | null; resource: string | null; nextPage: string | null }) =>
    deps.checkpoints.put({ name, runStartedAt, updatedAt: new Date().toISOString(), published, ...fields });
  // An interrupted range first, then the range from its end to now: at most two passes.
  for (let plan = planRange(await deps.checkpoints.get(name), opts.now, opts); plan; ) {
    const { range, resume } = plan;
    for (const list of remainingLists(resources, resume)) {
      for await (const page of pagesOf(deps, list.resource, range, opts.pageSize, list.startAt)) {
        published += await hooks.page(list.resource, page.items);
        pages++;
        await put({ cursor: range.from, complete: false, rangeTo: range.to, resource: list.resource, nextPage: page.next ?? null });
        hooks.progress?.({ pages, published, detail: `${list.resource} events of ${range.from} to ${range.to}` });
      }
    }
    await hooks.rangeDone?.(range);
    // After an interrupted range, the one from its end to now (if any) is still to read.
    const after = resume ? planRange({ cursor: range.to }, opts.now, opts) : undefined;
    await put({ cursor: range.to, complete: after === undefined, rangeTo: null, resource: null, nextPage: null });
    plan = after;
  }
  return { pages, published };
}

/**
 * One list's pages. A kept next link that Webex no longer answers as a list (a cursor past its
 * life: 400, 404, 410) restarts that list from its first page: the pages read again repeat
 * records that dedupe drops, and nothing is skipped. Other failures end the run; the checkpoint
 * still holds the link for the next one.
 */
async function* pagesOf(deps: EventWalkDeps, resource: string, range: CrawlRange, max: number, startAt: string | undefined): AsyncGenerator<Page<WxEvent>> {
  const q = { resource, from: range.from, to: range.to, max };
  if (startAt) {
    const iter = deps.source.eventPages({ ...q, startAt })[Symbol.asyncIterator]();
    let first: IteratorResult<Page<WxEvent>> | undefined;
    try {
      first = await iter.next();
    } catch (err) {
      if (!(err instanceof ArchiverError) || err.retriable || !['BAD_INPUT', 'NOT_FOUND', 'GONE'].includes(err.code)) throw err;
      deps.logger.warn({ resource, code: err.code }, 'the kept next page of the events list is refused; reading the list again from its first page');
    }
    if (first) {
      if (!first.done) yield first.value;
      for (let r = await iter.next(); !r.done; r = await iter.next()) yield r.value;
      return;
    }
  }
  yield* deps.source.eventPages(q);
}
