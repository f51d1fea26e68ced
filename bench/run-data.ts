import { BlobServiceClient } from '@azure/storage-blob';
import type { Config } from '../src/config/schema.js';
import { createKafka } from '../src/kafka/client.js';
import type { Logger } from '../src/log.js';

/**
 * Removes what one bench, big-item or soak run wrote to the shared local servers: its topics (its
 * own prefix) and its two blob containers. Azurite keeps every blob in one LokiJS collection and
 * finds a blob by scanning it, so each upload costs more the more blobs it holds (measured: 480
 * uploads/s on a fresh Azurite, 277/s once it held about 10,000): runs that leave their data
 * behind make the next run's figures worse and its blob ceiling drift. `--keep-data` skips this
 * (to look at the mailboxes' blobs or topics afterwards). Mailboxes stay: each run has its own.
 */
export async function removeRunData(config: Pick<Config, 'topicPrefix' | 'kafkaBrokers' | 'kafkaClientId' | 'blobConnectionString' | 'attachmentsContainer' | 'stagingContainer'>, logger: Logger): Promise<{ topics: number; containers: number }> {
  // A run always has its own prefix; an empty one would name every topic on the broker.
  if (!config.topicPrefix) throw new Error('removeRunData: refusing to delete topics without a run prefix');
  const admin = createKafka(config, logger, '-cleanup').admin();
  await admin.connect();
  let topics: string[] = [];
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
    if (topics.length) {
      await admin.deleteTopics({ topics, timeout: 30_000 });
      // DeleteTopics returns once the controller accepted the deletion; brokers drop the topics
      // from their metadata a moment later, so a listing right after can still name them. Wait
      // until it does not, so that "removed" is true when this returns.
      const deadline = Date.now() + 30_000;
      let left = topics;
      while (left.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        left = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
      }
      if (left.length) throw new Error(`removeRunData: ${left.length} topics still listed 30 s after their deletion: ${left.slice(0, 3).join(', ')}`);
    }
  } finally {
    await admin.disconnect();
  }
  const service = BlobServiceClient.fromConnectionString(config.blobConnectionString);
  let containers = 0;
  for (const name of [config.attachmentsContainer, config.stagingContainer]) {
    if ((await service.getContainerClient(name).deleteIfExists()).succeeded) containers++;
  }
  return { topics: topics.length, containers };
}

/** removeRunData, saying what it removed; a failure is reported, not thrown (the run's figures stand). */
export async function cleanUpRun(config: Parameters<typeof removeRunData>[0], logger: Logger, say: (line: string) => void): Promise<void> {
  try {
    const removed = await removeRunData(config, logger);
    say(`cleanup: removed this run's ${removed.topics} topics and ${removed.containers} blob containers (--keep-data keeps them)`);
  } catch (err) {
    say(`cleanup: could not remove this run's data: ${(err as Error).message}`);
  }
}
