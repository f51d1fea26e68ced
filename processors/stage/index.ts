import type { BlobStore } from '../../src/blob/store.js';
import type { Config } from '../../src/config/schema.js';
import type { EmailPlan } from '../../src/kafka/records.js';
import { createKeyedMutex } from '../../src/kafka/keyed-concurrency.js';
import type { ProcessorSpec } from '../../src/kafka/runner.js';
import { encodedSize, renderMime } from '../../src/mail/render.js';
import { stagePlan } from './transform.js';

/** Items rendered and written at once per partition. */
export const STAGE_KEY_CONCURRENCY = 8;

export function stageProcessor(deps: { config: Config; blob: BlobStore }): ProcessorSpec<EmailPlan> {
  const { blob, config } = deps;
  const exclusive = createKeyedMutex();
  return {
    name: 'stage',
    input: 'limited',
    chunkSize: 50,
    keyConcurrency: STAGE_KEY_CONCURRENCY,
    // Each item is its own deterministic blob: a room's items need not be rendered one by one
    // (a repeat of the same item waits for the first, see `exclusive`).
    ordering: 'none',
    transform: (plan) => stagePlan(plan, {
      stagingContainer: config.stagingContainer,
      render: (p) => renderMime(p, (ref) => blob.openRead(ref.container, ref.blobName)),
      write: (container, name, body) => exclusive(`${container}/${name}`, () => blob.putStream(container, name, body, { contentType: 'message/rfc822', metadata: { itemid: encodeURIComponent(plan.itemId) }, expectedSize: encodedSize(plan) })),
    }),
  };
}
