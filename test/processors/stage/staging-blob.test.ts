import { createHash } from 'node:crypto';
import { processorSpec } from '../../../src/pipeline/processors.js';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageProcessor } from '../../../src/processors/stage/index.js';
import { stagingBlobName } from '../../../src/processors/stage/transform.js';
import type { EmailPlan, StagedItem } from '../../../src/kafka/records.js';
import { readTopicToEnd } from '../../../src/kafka/read-topic.js';
import { runProcessor, type RunningProcessor } from '../../../src/kafka/runner.js';
import { topicName } from '../../../src/kafka/topics.js';
import { encodedSize } from '../../../src/mail/render.js';
import { createRuntime, type Runtime } from '../../../src/runtime.js';
import { testConfig } from '../../support/config.js';
import { samplePlan } from '../../support/samples.js';
import { waitUntil } from '../../support/wait.js';

// stage on the real runner, Kafka and Azurite: the same limited item delivered twice lands on one
// deterministic blob, and what webex.staged.v1 records (size, SHA-256) is what the blob holds.
// One small item (single Put Blob) and one over 4 MB (streamed in blocks): both write paths.
describe('stage: deterministic staging blob, recorded size and SHA-256 (real Kafka + Azurite)', () => {
  let rt: Runtime;
  let running: RunningProcessor | undefined;
  beforeAll(async () => { rt = await createRuntime(testConfig()); });
  afterAll(async () => { await running?.stop(); await rt?.close(); });

  it('same item twice → same name, one blob; size and SHA-256 match the blob bytes', async () => {
    const bytes = Buffer.alloc(5 * 1024 * 1024 + 17);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    const att = await rt.blob.putContentAddressed(rt.config.attachmentsContainer, Readable.from([bytes]));
    const small = samplePlan();
    const big = samplePlan({
      webexMessageId: 'Y2lzY29zcGFyazovL3VzL01FU1NBR0UvYmln', itemId: 'big:created:1', messageId: '<msg-big@webex-archiver.invalid>',
      attachments: [{ name: 'curve.bin', contentType: 'application/octet-stream', size: bytes.length, sha256: att.sha256, container: att.container, blobName: att.blobName, status: 'stored' }],
    });
    expect(encodedSize(big)).toBeGreaterThan(4 * 1024 * 1024);
    const twice = (p: EmailPlan) => [{ topic: 'limited' as const, key: p.roomId, value: p }, { topic: 'limited' as const, key: p.roomId, value: p }];
    await rt.publisher.publish([...twice(small), ...twice(big)]);
    running = await runProcessor(processorSpec('stage', stageProcessor(rt)), rt);

    let staged: StagedItem[] = [];
    await waitUntil(async () => {
      staged = [];
      await readTopicToEnd<StagedItem>(rt.kafka, rt.serde, topicName(rt.config, 'staged'), (v) => v && staged.push(v));
      return staged.length >= 4;
    }, 90_000, 'four staged records');
    expect(staged).toHaveLength(4);

    const container = BlobServiceClient.fromConnectionString(rt.config.blobConnectionString).getContainerClient(rt.config.stagingContainer);
    const blobs: string[] = [];
    for await (const b of container.listBlobsFlat()) blobs.push(b.name);
    expect(blobs.sort()).toEqual([stagingBlobName(small), stagingBlobName(big)].sort());

    for (const plan of [small, big]) {
      const records = staged.filter((s) => s.itemId === plan.itemId);
      expect(records).toHaveLength(2);
      const [first, second] = records as [StagedItem, StagedItem];
      expect(first.blobName).toBe(stagingBlobName(plan));
      expect(first.container).toBe(rt.config.stagingContainer);
      // The rewrite produced the very same bytes: same name, size and hash.
      expect({ blobName: second.blobName, size: second.size, sha256: second.sha256 }).toEqual({ blobName: first.blobName, size: first.size, sha256: first.sha256 });
      const blob = await buffer(await rt.blob.openRead(first.container, first.blobName));
      expect(first.size).toBe(blob.length);
      expect(first.sha256).toBe(createHash('sha256').update(blob).digest('hex'));
      expect(first.size).toBe(encodedSize(plan));
      expect(first.messageId).toBe(plan.messageId);
      // Small items also travel inline (import then needs no blob read); large ones only by reference.
      if (plan === small) expect(Buffer.from(first.inline!).equals(blob)).toBe(true);
      else expect(first.inline ?? null).toBeNull();
    }
    // The staged .eml carries the attachment bytes whole (base64).
    const eml = (await buffer(await rt.blob.openRead(rt.config.stagingContainer, stagingBlobName(big)))).toString('latin1');
    expect(eml).toContain(bytes.subarray(0, 57).toString('base64'));
  });
});
