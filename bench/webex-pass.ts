import { CAPTURE_CONCURRENCY } from '../src/capture/crawler.js';
import type { CrawlSource } from '../src/capture/crawl-source.js';
import { createRoomCache } from '../src/capture/room-cache.js';
import { findTranscript, meetingContext } from '../src/capture/meeting-item.js';
import { mapByKey } from '../src/kafka/keyed-concurrency.js';
import type { Ceiling } from './ceilings.js';
import { rate } from './stats.js';

/**
 * The crawl's ceiling: a plain pass over Webex with the same client. The same Events pages, the
 * same room, team and membership reads (through a room cache like the crawl's), a GET of each
 * deleted message, every file downloaded and read to its end, and the meetings the crawl reads,
 * as many at once as the crawl captures; no Kafka and no blob. What is left between it and the
 * crawl is ours.
 */
export async function webexPass(source: CrawlSource, range: { from: string; to: string }, pageSize: number): Promise<Ceiling> {
  const rooms = createRoomCache(source);
  const t0 = Date.now();
  let versions = 0;
  let files = 0;
  for await (const page of source.eventPages({ resource: 'messages', from: range.from, to: range.to, max: pageSize })) {
    await mapByKey(page.items, () => null, CAPTURE_CONCURRENCY, async (e) => {
      const id = typeof e.data.id === 'string' ? e.data.id : undefined;
      const roomId = typeof e.data.roomId === 'string' ? e.data.roomId : undefined;
      if (!id || !roomId || !['created', 'updated', 'deleted'].includes(e.type)) return;
      versions++;
      const message = e.type === 'deleted' ? await source.getMessage(id).catch(() => undefined) : undefined;
      await rooms.get(roomId);
      const urls = (message?.files ?? (Array.isArray(e.data.files) ? e.data.files : [])) as string[];
      await Promise.all(urls.map(async (url) => {
        const file = await source.openFile(url).catch(() => undefined);
        if (!file) return;
        for await (const _chunk of file.body) { /* read to the end, like the blob upload would */ }
        files++;
      }));
    });
  }
  // The crawl reads meetings too (in-meeting chat and transcripts, each meeting's details and
  // participants once): so does its ceiling, or the ratio would charge those reads to us.
  const meetings = source.meetings;
  let meetingReads = 0;
  if (meetings) {
    const contexts = new Map<string, Promise<unknown>>();
    const contextOf = (meetingId: string) => {
      if (!contexts.has(meetingId)) contexts.set(meetingId, meetingContext(meetings, meetingId).catch(() => undefined));
      return contexts.get(meetingId)!;
    };
    for (const resource of ['meetingMessages', 'meetingTranscripts']) {
      for await (const page of source.eventPages({ resource, from: range.from, to: range.to, max: pageSize })) {
        await mapByKey(page.items, () => null, CAPTURE_CONCURRENCY, async (e) => {
          const meetingId = typeof e.data.meetingId === 'string' ? e.data.meetingId : undefined;
          if (!meetingId) return;
          meetingReads++;
          await contextOf(meetingId);
          if (resource !== 'meetingTranscripts' || e.type === 'deleted') return;
          const transcript = await findTranscript(meetings, e.data).catch(() => null);
          if (!transcript) return;
          for (const format of ['txt', 'vtt'] as const) {
            const body = await meetings.openTranscript(transcript.id, format).catch(() => undefined);
            if (body) for await (const _chunk of body) { /* read to the end */ }
          }
        });
      }
    }
  }
  const ms = Date.now() - t0;
  return { name: 'plain Webex pass', items: versions, ms, perSecond: rate(versions, ms), detail: `${versions} message versions from Events pages of ${pageSize}, rooms and members read, ${files} files downloaded, ${meetingReads} meeting events with their meetings, participants and transcripts read, ${CAPTURE_CONCURRENCY} at a time; no Kafka, no blob` };
}
