import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toEmailPlans } from '../../src/processors/convert/transform.js';
import type { FileRef, Outcome, RawMessage } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { topicName } from '../../src/kafka/topics.js';
import { encodedSize } from '../../src/mail/render.js';
import { startService } from '../../src/service/service.js';
import { maildirFolderPath } from '../../src/sinks/maildir.js';
import { testConfig, uniqueId } from '../support/config.js';
import { sampleRaw } from '../support/samples.js';
import { waitUntil } from '../support/wait.js';

const LIMIT = 10 * 1024 * 1024;

/** A raw record with one attachment sized so the whole encoded item is `target` bytes (± a few). */
function rawOfEncodedSize(id: string, target: number, participants: RawMessage['participants']): { raw: RawMessage; bytes: Buffer } {
  const make = (size: number): RawMessage => {
    const bytes = Buffer.alloc(size, id.charCodeAt(0));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file: FileRef = { contentId: `c-${id}`, url: `https://webexapis.com/v1/contents/c-${id}`, name: `${id}.bin`, contentType: 'application/octet-stream', size, sha256, container: '', blobName: sha256, status: 'stored' };
    const base = sampleRaw();
    return { ...base, message: { ...base.message, id: `M-${id}` }, files: [file], participants, sender: participants[0]! };
  };
  let size = Math.floor((target * 3) / 4);
  for (let i = 0; i < 20; i++) {
    const got = encodedSize(toEmailPlans(make(size), { orgDomains: ['example.com'] })[0]!);
    if (Math.abs(got - target) < 80) break;
    size += Math.floor(((target - got) * 3) / 4);
  }
  const raw = make(size);
  return { raw, bytes: Buffer.alloc(size, id.charCodeAt(0)) };
}

async function runPolicy(policy: 'reject' | 'strip-attachments') {
  const id = uniqueId();
  const people = [
    { personId: 'pa', email: `alice-${id}@example.com`, displayName: 'Alice Ng' },
    { personId: 'pb', email: `bob-${id}@example.com`, displayName: 'Bob Li' },
  ];
  const config = testConfig({ WXA_OVERSIZE_POLICY: policy, WXA_SINK: 'maildir', WXA_RECEIVER_PORT: '0' });
  const service = await startService(config, { processors: ['convert', 'dedupe', 'limit', 'stage', 'route', 'import'], receiver: false });
  try {
    const under = rawOfEncodedSize('u', Math.round(LIMIT * 0.99), people);
    const over = rawOfEncodedSize('o', Math.round(LIMIT * 1.01), people);
    for (const x of [under, over]) {
      const stored = await service.rt.blob.putContentAddressed(config.attachmentsContainer, Readable.from([x.bytes]));
      x.raw.files[0]!.container = stored.container;
      expect(stored.blobName).toBe(x.raw.files[0]!.sha256);
    }
    await service.rt.publisher.publish([under, over].map((x) => ({ topic: 'raw' as const, key: x.raw.message.roomId, value: x.raw })));
    let outcomes: Outcome[] = [];
    await waitUntil(async () => {
      outcomes = [];
      await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(config, 'outcomes'), (v) => v && outcomes.push(v));
      return outcomes.filter((o) => o.webexMessageId === 'M-u').length >= 2 && outcomes.some((o) => o.webexMessageId === 'M-o');
    }, 120_000, 'outcomes for both items');
    // Nothing is lost: the originals stay in blob storage whatever the policy did.
    for (const x of [under, over]) expect(await service.rt.blob.exists(config.attachmentsContainer, x.raw.files[0]!.sha256)).toBe(true);
    const folder = (mailbox: string) => path.join(maildirFolderPath(config.maildirRoot, mailbox, config.mailFolder), 'cur');
    return { outcomes, people, folder, over, config };
  } finally {
    await service.stop();
  }
}

describe('size limit at 10 MB: 9.9 MB passes, 10.1 MB per policy, nothing lost', () => {
  it('reject: the 9.9 MB item is imported whole, the 10.1 MB item is rejected with its sizes', async () => {
    const { outcomes, people, folder } = await runPolicy('reject');
    expect(outcomes.filter((o) => o.webexMessageId === 'M-u').map((o) => o.kind)).toEqual(['imported', 'imported']);
    const rejected = outcomes.filter((o) => o.webexMessageId === 'M-o');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.kind).toBe('rejected');
    expect(rejected[0]!.size).toBeGreaterThan(LIMIT);
    expect(rejected[0]!.reason).toContain(String(LIMIT));
    for (const p of people) expect(readdirSync(folder(p.email))).toHaveLength(1);
  });

  it('strip-attachments: the 10.1 MB item is imported with a placeholder naming size, SHA-256 and blob', async () => {
    const { outcomes, people, folder, over } = await runPolicy('strip-attachments');
    expect(outcomes.filter((o) => o.webexMessageId === 'M-o').map((o) => o.kind)).toEqual(['partial', 'partial']);
    for (const p of people) {
      const files = readdirSync(folder(p.email)).map((f) => readFileSync(path.join(folder(p.email), f)));
      expect(files).toHaveLength(2);
      expect(Math.max(...files.map((f) => f.length))).toBeLessThanOrEqual(LIMIT);
      const partial = files.find((f) => f.length < 1_000_000)!.toString('latin1');
      const placeholder = Buffer.from(/filename\*=utf-8''o\.bin%20%28not%20attached%29\.txt\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/.exec(partial)![1]!, 'base64').toString('utf8');
      expect(placeholder).toContain(over.raw.files[0]!.sha256);
      expect(placeholder).toContain(String(over.raw.files[0]!.size));
      expect(placeholder).toMatch(/blob container "att-[0-9a-f]+"/);
      expect(placeholder).not.toMatch(/https?:\/\//);
    }
  });
});
