import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import { INLINE_MAX_BYTES, type EmailPlan } from '../../kafka/records.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import { encodedSize, renderMime } from '../../mail/render.js';
import { stagePlan } from './transform.js';


export function stageProcessor(deps: { config: Config; blob: BlobStore }): ProcessorShell<'limited', 'staged'> {
  const { blob, config } = deps;
  const exclusive = createKeyedMutex();
  return {
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
