import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { removeRunData } from '../../bench/run-data.js';
import { createBlobStore } from '../../src/blob/store.js';
import { createKafka } from '../../src/kafka/client.js';
import { ensureTopics } from '../../src/kafka/topics.js';
import { createLogger } from '../../src/log.js';
import { Readable } from 'node:stream';
import { testConfig } from '../support/config.js';

/** What the bench and the soak remove at the end of a run, on the real broker and Azurite. */
const logger = createLogger({ level: 'warn' });

describe('removeRunData', () => {
  it("removes the run's topics and its two containers, and nothing of another run", async () => {
    const run = testConfig();
    const other = testConfig();
    const admin = createKafka(run, logger).admin();
    await admin.connect();
    try {
      await ensureTopics(admin, run);
      await ensureTopics(admin, other);
      const blob = createBlobStore(run);
      await blob.ensureContainers();
      await blob.putStream(run.stagingContainer, 'items/a.eml', Readable.from([Buffer.from('x')]), { expectedSize: 1 });
      const otherBlob = createBlobStore(other);
      await otherBlob.ensureContainers();

      const removed = await removeRunData(run, logger);
      expect(removed.containers).toBe(2);
      const topics = await admin.listTopics();
      expect(topics.filter((t) => t.startsWith(run.topicPrefix))).toEqual([]);
      expect(removed.topics).toBeGreaterThan(5);
      expect(topics.filter((t) => t.startsWith(other.topicPrefix)).length).toBe(removed.topics);
      const service = BlobServiceClient.fromConnectionString(run.blobConnectionString);
      expect(await service.getContainerClient(run.stagingContainer).exists()).toBe(false);
      expect(await service.getContainerClient(run.attachmentsContainer).exists()).toBe(false);
      expect(await service.getContainerClient(other.stagingContainer).exists()).toBe(true);
      await removeRunData(other, logger);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses a configuration without a topic prefix (it would name every topic on the broker)', async () => {
    await expect(removeRunData({ ...testConfig(), topicPrefix: '' }, logger)).rejects.toThrow(/without a run prefix/);
  });
});
