import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { createWebexClient, type WebexClient } from '../webex/client.js';
import type { WebexObserver } from '../webex/http.js';
import { refreshingToken } from '../webex/token.js';
import { LIST_MAX, type CrawlSource } from './crawl-source.js';

/** The Webex client from the configuration: a refreshing token when a refresh token is configured. */
export function createWebexFromConfig(config: Config, logger: Logger, observer?: WebexObserver): WebexClient {
  const log = logger.child({ component: 'webex' });
  const token = config.webexRefreshToken
    ? refreshingToken({ baseUrl: config.webexBaseUrl, clientId: config.webexClientId, clientSecret: config.webexClientSecret, refreshToken: config.webexRefreshToken, accessToken: config.webexToken || undefined, log })
    : config.webexToken;
  // A file Webex cannot scan (428) is still the record: fetched with allow=unscannable unless the
  // operator said no, in which case capture records it on the item (docs/failure-answers.md, Webex).
  return createWebexClient({ baseUrl: config.webexBaseUrl, token, maxInFlight: config.webexMaxInFlight, allowUnscannable: config.webexAllowUnscannable, observer, log });
}

/** Adapts the REST client to what capture reads (hydrate's WebexReader and the crawler's CrawlSource). */
export function webexSource(client: WebexClient): CrawlSource {
  return {
    getMessage: (id, opts) => client.messages.get(id, { retryNotFound: opts?.retryNotFound }),
    getRoom: (id) => client.rooms.get(id),
    getTeam: (id) => client.teams.get(id),
    async listMemberships(roomId) {
      const out = [];
      for await (const m of client.memberships.list({ roomId, max: LIST_MAX })) out.push(m);
      return out;
    },
    getPerson: (id) => client.people.get(id),
    getAttachmentAction: (id, opts) => client.attachmentActions.get(id, { retryNotFound: opts?.retryNotFound }),
    async openFile(url) {
      const { info, body } = await client.contents.open(url);
      const name = info.filename ?? url.slice(url.lastIndexOf('/') + 1);
      return { name, contentType: info.contentType ?? 'application/octet-stream', body };
    },
    async fileName(url) {
      // HEAD moves no bytes, so asking with allow=unscannable only reveals the name (Content-Disposition).
      return (await client.contents.head(url, { allowUnscannable: true })).filename;
    },
    // Every list at the largest page it accepts (docs/webex-api.md §2): events and rooms 1–1000;
    // messages documents no upper bound and Webex caps a larger max silently, so ask for 1000.
    meetings: {
      getMeeting: (id) => client.meetings.get(id, { retryNotFound: 2 }),
      // Participants come 100 a page at most (the spec's cap), transcripts likewise.
      async listMeetingParticipants(meetingId) {
        const out = [];
        for await (const p of client.meetings.participants({ meetingId, max: 100 })) out.push(p);
        return out;
      },
      async listMeetingTranscripts(meetingId) {
        const out = [];
        for await (const t of client.meetings.transcripts({ meetingId, max: 100 })) out.push(t);
        return out;
      },
      openTranscript: (id, format) => client.meetings.downloadTranscript(id, format, { retryNotFound: 2 }),
    },
    listEvents: (q) => client.events.list({ resource: q.resource, from: q.from, to: q.to, max: LIST_MAX }),
    eventPages: (q) => client.events.list({ resource: q.resource, from: q.from, to: q.to, max: q.max, startAt: q.startAt }).pages(),
    listRooms: () => client.rooms.list({ max: LIST_MAX }),
    listMessages: (roomId) => client.messages.list({ roomId, max: LIST_MAX }),
  };
}
