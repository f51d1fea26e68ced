import type { BlobStore } from '../../src/blob/store.js';
import type { CrawlSource } from '../../src/capture/crawl-source.js';
import { createRoomCache } from '../../src/capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../../src/capture/webex-source.js';
import type { Config } from '../../src/config/schema.js';
import type { WebhookDelivery } from '../../src/kafka/records.js';
import type { ProcessorSpec } from '../../src/kafka/runner.js';
import type { Logger } from '../../src/log.js';
import { hydrateDelivery } from './transform.js';

export function hydrateProcessor(deps: { config: Config; blob: BlobStore; logger: Logger; source?: CrawlSource }): ProcessorSpec<WebhookDelivery> {
  const reader = deps.source ?? webexSource(createWebexFromConfig(deps.config, deps.logger));
  const rooms = createRoomCache(reader);
  const capture = { reader, blob: deps.blob, rooms, attachmentsContainer: deps.config.attachmentsContainer, logger: deps.logger.child({ processor: 'hydrate' }) };
  return {
    name: 'hydrate',
    input: 'webhooks',
    chunkSize: 50,
    keyConcurrency: 4,
    transform: (delivery) => hydrateDelivery(delivery, capture),
  };
}
