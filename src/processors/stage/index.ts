import { readAll } from '../../memory/read-all.js';
import type { BlobStore } from '../../blob/store.js';
import type { Config } from '../../config/schema.js';
import { INLINE_MAX_BYTES, type EmailPlan } from '../../kafka/records.js';
import { createKeyedMutex } from '../../kafka/keyed-concurrency.js';
import type { ProcessorShell } from '../../kafka/runner.js';
import { encodedSize, renderMime } from '../../mail/render.js';
import { createLimiter } from '../../webex/limiter.js';
import { stagePlan } from './transform.js';


/** Blob writes in flight per partition the process works on: the share that bounds stage's upload buffers. */
const WRITES_PER_PARTITION = 8;

/**
 * The blob writes one stage process has in flight at most, shared by all its partitions. kafkajs
 * fetches again only once every partition's batch of the last fetch is done
 * (node_modules/kafkajs/src/consumer/fetcher.js), and the organization's items are skewed to a
 * few busy rooms, so most of the time one partition has the work and the others wait: a per-
 * partition cap of 8 kept stage at 8 writes while the blob ceiling is measured at 48. With the
 * cap per process, one busy partition may use what idle ones leave (up to its chunk); the bound
 * on memory (upload buffers, rendered small items) is the same as 8 per partition on all of them.
 */
export function stageWriteSlots(config: Pick<Config, 'processorConcurrency'>): number {
  return config.processorConcurrency * WRITES_PER_PARTITION;
}

export function stageProcessor(deps: { config: Config; blob: BlobStore }): ProcessorShell<'limited', 'staged'> {
  const { blob, config } = deps;
  const exclusive = createKeyedMutex();
  const slots = createLimiter(stageWriteSlots(config));
  return {
    transform: (plan) => stagePlan(plan, {
      stagingContainer: config.stagingContainer,
      render: (p) => renderMime(p, (ref) => blob.openRead(ref.container, ref.blobName)),
      // The body renders as the write reads it, so a slot bounds the render too.
      write: (container, name, body) => exclusive(`${container}/${name}`, () => slots.run(async () => {
        // Limit sized the plan as it comes here (stripped or whole); a record from before it kept that is sized now.
        const expectedSize = plan.limit?.renderedBytes ?? encodedSize(plan);
        const headers = { contentType: 'message/rfc822', metadata: { itemid: encodeURIComponent(plan.itemId) }, expectedSize };
        if (expectedSize > INLINE_MAX_BYTES) return blob.putStream(container, name, body, headers);
        // Small: keep the bytes, so they can ride along to import (INLINE_MAX_BYTES), and send
        // that same buffer in one Put Blob.
        const bytes = await readAll(body);
        return { ...(await blob.putBytes(container, name, bytes, headers)), inline: bytes };
      })),
    }),
  };
}
