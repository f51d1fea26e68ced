import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import type { StoredBlob } from '../../../src/blob/store.js';
import { stagePlan, stagingBlobName } from '../../../src/processors/stage/transform.js';
import { samplePlan } from '../../support/samples.js';

/** stage's core with its two ports (render, write) given in memory: no blob store, no server. */
describe('stage core', () => {
  const written: { container: string; name: string; bytes: Buffer }[] = [];
  const ports = {
    stagingContainer: 'staging',
    render: () => Readable.from([Buffer.from('From: a\r\n\r\nbody\r\n')]),
    write: async (container: string, name: string, body: Readable): Promise<StoredBlob & { inline?: Buffer }> => {
      const bytes = await buffer(body);
      written.push({ container, name, bytes });
      return { container, blobName: name, size: bytes.length, sha256: 'f'.repeat(64), inline: bytes };
    },
  };

  it('writes the rendered bytes under the deterministic name and records what the store reports', async () => {
    const plan = samplePlan();
    const [out] = await stagePlan(plan, ports);
    expect(written.at(-1)).toMatchObject({ container: 'staging', name: stagingBlobName(plan) });
    expect(out).toMatchObject({ topic: 'staged', key: plan.roomId });
    expect(out!.value).toMatchObject({ itemId: plan.itemId, messageId: plan.messageId, blobName: stagingBlobName(plan), size: 17, sha256: 'f'.repeat(64), partial: false, strippedCount: 0 });
    expect(out!.value.inline?.toString()).toBe('From: a\r\n\r\nbody\r\n');
  });

  it('the name depends on the item and its room only, and differs between items', () => {
    const a = samplePlan({ itemId: 'item-a' });
    expect(stagingBlobName(a)).toBe(stagingBlobName(samplePlan({ itemId: 'item-a', subject: 'another subject' })));
    expect(stagingBlobName(a)).not.toBe(stagingBlobName({ ...a, itemId: 'item-b' }));
    expect(stagingBlobName(a)).toMatch(/^items\/[0-9a-f]{16}\/[0-9a-f]{64}\.eml$/);
  });

  it('an item whose attachments the limit stripped is staged as partial, with the count', async () => {
    const plan = samplePlan({ limit: { decision: 'strip', encodedBytes: 20_000_000, limitBytes: 10_000_000, strippedCount: 2 } });
    const [out] = await stagePlan(plan, ports);
    expect(out!.value).toMatchObject({ partial: true, strippedCount: 2 });
  });

  it('a failed write fails the item (the runner retries or dead-letters it), nothing is published', async () => {
    const failing = { ...ports, write: async () => { throw new Error('storage down'); } };
    await expect(stagePlan(samplePlan(), failing)).rejects.toThrow('storage down');
  });
});
