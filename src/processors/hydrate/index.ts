import type { BlobStore } from '../../blob/store.js';
import type { CrawlSource } from '../../capture/crawl-source.js';
import { createRoomCache } from '../../capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../../capture/webex-source.js';
import type { Config } from '../../config/schema.js';
import type { WebhookDelivery } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { Logger } from '../../log.js';
import { hydrateDelivery } from './transform.js';

export function hydrateProcessor(deps: { config: Config; blob: BlobStore; logger: Logger; source?: CrawlSource }): ProcessorShell<'webhooks', 'raw'> {
  const reader = deps.source ?? webexSource(createWebexFromConfig(deps.config, deps.logger));
  const rooms = createRoomCache(reader);
  const capture = { reader, blob: deps.blob, rooms, attachmentsContainer: deps.config.attachmentsContainer, logger: deps.logger.child({ processor: 'hydrate' }) };
  return {
    transform: (delivery) => hydrateDelivery(delivery, capture),
  };
}
