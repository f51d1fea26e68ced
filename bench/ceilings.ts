import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import { Partitioners, type Kafka } from 'kafkajs';
import type { BlobStore } from '../src/blob/store.js';
import type { Config } from '../src/config/schema.js';
import { rate } from './stats.js';

/**
 * Raw ceilings, measured in the same run as the pipeline with the same clients and payload sizes:
 * what the pipeline's rates are compared against.
 */
/** The shortest ceiling measurement. */
const MIN_MS = 3000;

export interface Ceiling { name: string; items: number; ms: number; perSecond: number; detail: string }

/** (a) Kafka pass-through: produce records of `recordBytes` with kafkajs (acks=all, batches of 100), then consume them all. */
export async function kafkaPassThrough(kafka: Kafka, config: Pick<Config, 'topicPrefix'>, count: number, recordBytes: number): Promise<Ceiling> {
  const topic = `${config.topicPrefix}bench.ceiling.${randomBytes(3).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const value = randomBytes(recordBytes);
  const t0 = Date.now();
  for (let i = 0; i < count; i += 100) {
    const n = Math.min(100, count - i);
    await producer.send({ topic, acks: -1, messages: Array.from({ length: n }, (_, j) => ({ key: `k${(i + j) % 50}`, value })) });
  }
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${topic}.g`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({ eachBatch: async ({ batch }) => { seen += batch.messages.length; if (seen >= count) resolve(); } });
  });
  const ms = Date.now() - t0;
  await consumer.disconnect();
  return { name: 'kafka pass-through', items: count, ms, perSecond: rate(count, ms), detail: `${count} records of ${recordBytes} B produced (acks=all) and consumed` };
}

/** (b) IMAP APPEND of the same .eml files straight into Dovecot, `connections` connections in parallel. */
export async function imapAppend(config: Pick<Config, 'imapHost' | 'imapPort' | 'imapPassword'>, emls: Buffer[], connections: number, runId: string): Promise<Ceiling> {
  const clients = await Promise.all(Array.from({ length: connections }, async (_, c) => {
    const client = new ImapFlow({ host: config.imapHost, port: config.imapPort, secure: false, logger: false, auth: { user: `ceiling-${runId}-${c}@example.com*archiver`, pass: config.imapPassword } });
    await client.connect();
    await client.mailboxCreate('INBOX/Webex Teams').catch(() => undefined);
    return client;
  }));
  const t0 = Date.now();
  let passes = 0;
  // Whole passes over the files until at least MIN_MS went by: a one-second run is mostly noise.
  do {
    await Promise.all(clients.map(async (client, c) => {
      for (let i = c; i < emls.length; i += connections) await client.append('INBOX/Webex Teams', emls[i]!, ['\\Seen'], new Date());
    }));
    passes++;
  } while (Date.now() - t0 < MIN_MS);
  const ms = Date.now() - t0;
  await Promise.all(clients.map((c) => c.logout().catch(() => undefined)));
  const items = emls.length * passes;
  return { name: 'IMAP APPEND (Dovecot)', items, ms, perSecond: rate(items, ms), detail: `${emls.length} .eml files x ${passes} passes, ${connections} connections` };
}

/** (c) Blob upload of the same files to Azurite, `concurrency` at a time. */
export async function blobUpload(blob: BlobStore, container: string, emls: Buffer[], concurrency: number): Promise<Ceiling> {
  const t0 = Date.now();
  let passes = 0;
  do {
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < emls.length) {
        const i = next++;
        await blob.putStream(container, `ceiling/${passes}/${i}.eml`, Readable.from([emls[i]!]), { contentType: 'message/rfc822', expectedSize: emls[i]!.length });
      }
    }));
    passes++;
  } while (Date.now() - t0 < MIN_MS);
  const ms = Date.now() - t0;
  const items = emls.length * passes;
  return { name: 'blob upload (Azurite)', items, ms, perSecond: rate(items, ms), detail: `${emls.length} .eml files x ${passes} passes, ${concurrency} at a time` };
}
