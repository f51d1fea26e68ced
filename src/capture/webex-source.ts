import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { createWebexClient, type WebexClient } from '../webex/client.js';
import type { WebexObserver } from '../webex/http.js';
import { refreshingToken } from '../webex/token.js';
import type { CrawlSource, WxEvent } from './crawl-source.js';
import type { WxMessage, WxRoom } from './webex-reader.js';

/** The Webex client from the configuration: a refreshing token when a refresh token is configured. */
export function createWebexFromConfig(config: Config, logger: Logger, observer?: WebexObserver): WebexClient {
  const log = logger.child({ component: 'webex' });
  const token = config.webexRefreshToken
    ? refreshingToken({ baseUrl: config.webexBaseUrl, clientId: config.webexClientId, clientSecret: config.webexClientSecret, refreshToken: config.webexRefreshToken, accessToken: config.webexToken || undefined, log })
    : config.webexToken;
  return createWebexClient({ baseUrl: config.webexBaseUrl, token, maxInFlight: config.webexMaxInFlight, observer, log });
}

/** Adapts the REST client to what capture reads (hydrate's WebexReader and the crawler's CrawlSource). */
export function webexSource(client: WebexClient): CrawlSource {
  return {
    getMessage: (id, opts) => client.messages.get(id, { retryNotFound: opts?.retryNotFound }) as Promise<WxMessage>,
    getRoom: (id) => client.rooms.get(id) as Promise<WxRoom>,
    getTeam: (id) => client.teams.get(id),
    async listMemberships(roomId) {
      const out = [];
      for await (const m of client.memberships.list({ roomId, max: 1000 })) out.push(m);
      return out;
    },
    getPerson: (id) => client.people.get(id),
    getAttachmentAction: (id, opts) => client.attachmentActions.get(id, { retryNotFound: opts?.retryNotFound }),
    async openFile(url) {
      const { info, body } = await client.contents.open(url);
      const name = info.filename ?? url.slice(url.lastIndexOf('/') + 1);
      return { name, contentType: info.contentType ?? 'application/octet-stream', body };
    },
    listEvents: (q) => client.events.list({ resource: q.resource, from: q.from, to: q.to, max: 1000 }) as AsyncIterable<WxEvent>,
    listRooms: () => client.rooms.list({ max: 1000 }) as AsyncIterable<WxRoom>,
    listMessages: (roomId) => client.messages.list({ roomId, max: 100 }) as AsyncIterable<WxMessage>,
  };
}
