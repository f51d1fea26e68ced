import type { BlobStore } from '../../blob/store.js';
import type { CrawlSource } from '../../capture/crawl-source.js';
import { captureChangesOf } from '../../capture/capture-message.js';
import { membershipCapture } from '../../capture/participants.js';
import { createRoomCache } from '../../capture/room-cache.js';
import { createWebexFromConfig, webexSource } from '../../capture/webex-source.js';
import type { Config } from '../../config/schema.js';
import type { Publisher } from '../../kafka/publisher.js';
import type { WebhookDelivery } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import type { Serde } from '../../kafka/serde.js';
import type { Logger } from '../../log.js';
import type { Kafka } from 'kafkajs';
import { hydrateDelivery } from './transform.js';

export function hydrateProcessor(deps: { config: Config; blob: BlobStore; logger: Logger; kafka: Kafka; serde: Serde; publisher: Publisher; source?: CrawlSource }): ProcessorShell<'webhooks', 'raw' | 'memberships'> {
  const reader = deps.source ?? webexSource(createWebexFromConfig(deps.config, deps.logger));
  const rooms = createRoomCache(reader);
  const timeline = membershipCapture(deps, reader, 'webhook', { syncEvents: true });
  const capture = { reader, events: reader, blob: deps.blob, rooms, attachmentsContainer: deps.config.attachmentsContainer, logger: deps.logger.child({ processor: 'hydrate' }), ...timeline, captureChanges: captureChangesOf(deps.config) };
  return {
    // The timeline again on every assignment: the crawler and other hydrate instances add to it.
    onAssigned: async () => { await timeline.memberships.reload(); },
    transform: (delivery) => hydrateDelivery(delivery, capture),
  };
}
