import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import { INLINE_MAX_BYTES, type EmailPlan } from '../../kafka/records.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { ProcessorSpec } from '../../kafka/runner.js';
import { encodedSize, renderMime } from '../../mail/render.js';
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
      write: (container, name, body) => exclusive(`${container}/${name}`, async () => {
        const expectedSize = encodedSize(plan);
        const headers = { contentType: 'message/rfc822', metadata: { itemid: encodeURIComponent(plan.itemId) }, expectedSize };
        if (expectedSize > INLINE_MAX_BYTES) return blob.putStream(container, name, body, headers);
        // Small: keep the bytes, so they can ride along to import (INLINE_MAX_BYTES).
        const bytes = await buffer(body);
        return { ...(await blob.putStream(container, name, Readable.from([bytes]), headers)), inline: bytes };
      }),
    }),
  };
}
