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
        // Limit sized the plan as it comes here (stripped or whole); a record from before it kept that is sized now.
        const expectedSize = plan.limit?.renderedBytes ?? encodedSize(plan);
        const headers = { contentType: 'message/rfc822', metadata: { itemid: encodeURIComponent(plan.itemId) }, expectedSize };
        if (expectedSize > INLINE_MAX_BYTES) return blob.putStream(container, name, body, headers);
        // Small: keep the bytes, so they can ride along to import (INLINE_MAX_BYTES), and send
        // that same buffer in one Put Blob.
        const bytes = await buffer(body);
        return { ...(await blob.putBytes(container, name, bytes, headers)), inline: bytes };
      }),
    }),
  };
}
