import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { RestError } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { classifyBlobAnswer, isAlreadyThere } from '../../src/blob/blob-answer.js';
import { createBlobStore } from '../../src/blob/store.js';
import { testConfig, uniqueId } from '../support/config.js';

/** Each Azure Blob row of docs/failure-answers.md against the real Azurite, with the store's decision. */
describe('blob answers (Azurite)', () => {
  it('a missing container is created and the small write goes through', async () => {
    const config = testConfig();
    const store = createBlobStore(config);
    const container = `missing-${uniqueId()}`;
    const stored = await store.putStream(container, 'items/a.eml', Readable.from([Buffer.from('hello')]), { expectedSize: 5 });
    expect(stored.size).toBe(5);
    expect((await buffer(await store.openRead(container, 'items/a.eml'))).toString()).toBe('hello');
  });

  it('a missing container under a streamed write: created, and the write is retriable, then goes through', async () => {
    const config = testConfig();
    const store = createBlobStore(config);
    const container = `missing-${uniqueId()}`;
    const bytes = randomBytes(5 * 1024 * 1024);
    await expect(store.putStream(container, 'big.bin', Readable.from([bytes]))).rejects.toMatchObject({ code: 'UNAVAILABLE', retriable: true });
    const stored = await store.putStream(container, 'big.bin', Readable.from([bytes]));
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('the same content-addressed blob written by many at once: every writer succeeds with the same name', async () => {
    const config = testConfig();
    const store = createBlobStore(config);
    await store.ensureContainers();
    const bytes = randomBytes(2048);
    const all = await Promise.all(Array.from({ length: 6 }, () => store.putContentAddressed(config.attachmentsContainer, Readable.from([bytes]))));
    expect(new Set(all.map((s) => s.blobName))).toEqual(new Set([createHash('sha256').update(bytes).digest('hex')]));
    expect((await buffer(await store.openRead(config.attachmentsContainer, all[0]!.blobName))).equals(bytes)).toBe(true);
  });

  it('a wrong account key is a credential fault: pause, never a dead letter', async () => {
    const config = testConfig();
    const wrongKey = Buffer.from('not the azurite key at all, not at all').toString('base64');
    const store = createBlobStore({ ...config, blobConnectionString: config.blobConnectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`) });
    await expect(store.putStream(config.stagingContainer, 'x.eml', Readable.from([Buffer.from('x')]), { expectedSize: 1 })).rejects.toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause', retriable: true });
  });

  it('recorded answers: ServerBusy, OperationTimedOut, InternalError retry; AuthorizationPermissionMismatch pauses; BlobAlreadyExists and ConditionNotMet are "already there"', () => {
    const answer = (statusCode: number, code: string) => new RestError(`${code} message text that must not matter`, { statusCode, code });
    expect(classifyBlobAnswer('put', answer(503, 'ServerBusy'))).toMatchObject({ retriable: true, disposition: 'retry' });
    expect(classifyBlobAnswer('put', answer(500, 'OperationTimedOut'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(classifyBlobAnswer('put', answer(500, 'InternalError'))).toMatchObject({ code: 'UNAVAILABLE' });
    expect(classifyBlobAnswer('put', answer(403, 'AuthorizationPermissionMismatch'))).toMatchObject({ code: 'AUTH_FAILED', disposition: 'pause' });
    expect(classifyBlobAnswer('put', answer(403, 'AuthenticationFailed'))).toMatchObject({ code: 'AUTH_FAILED' });
    expect(classifyBlobAnswer('put', answer(400, 'InvalidBlockList'))).toMatchObject({ code: 'REJECTED', retriable: false });
    expect(isAlreadyThere(answer(409, 'BlobAlreadyExists'))).toBe(true);
    expect(isAlreadyThere(answer(412, 'ConditionNotMet'))).toBe(true);
    expect(isAlreadyThere(answer(409, 'LeaseIdMissing'))).toBe(false);
  });
});
