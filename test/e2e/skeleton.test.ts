import { buffer } from 'node:stream/consumers';
import avro from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, StagedItem } from '../../src/kafka/records.js';
import { readTopicToEnd } from '../../src/kafka/read-topic.js';
import { TOPICS, topicName, type TopicKey } from '../../src/kafka/topics.js';
import type { ArchiverService } from '../../src/service/service.js';
import type { FixtureMessage, OrgFixture } from '../../src/simulator/index.js';
import { uniqueId } from '../support/config.js';
import { readMailbox } from '../support/imap.js';
import { waitUntil } from '../support/wait.js';
import { aliceAndBob, useWebhookPipeline } from '../support/webhook-pipeline.js';

const SECRET = 'skeleton-webhook-secret-42';

function fixture(id: string): OrgFixture {
  return aliceAndBob(id, [{
    key: 'm1', room: 'r1', person: 'alice', created: '2026-01-05T09:01:00.000Z', text: 'hello Bob', html: '<p>hello <b>Bob</b></p>',
    parent: null, edits: [], deleted: null,
    files: [{ name: 'q1.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4 quarterly').toString('base64'), size: null }],
  }] as FixtureMessage[]);
}

/** Reads one record's raw bytes from a topic and decodes it with the schema the registry holds for its id. */
async function decodeWithRegisteredSchema(service: ArchiverService, key: TopicKey): Promise<unknown> {
  const raw: Buffer[] = [];
  const consumer = service.rt.kafka.consumer({ groupId: uniqueId('skeleton-peek-') });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName(service.rt.config, key), fromBeginning: true });
  await new Promise<void>((resolve) => { void consumer.run({ eachMessage: async ({ message }) => { if (message.value && raw.length === 0) { raw.push(message.value); resolve(); } } }); });
  await consumer.disconnect();
  const buf = raw[0]!;
  expect(buf[0]).toBe(0); // Confluent wire format: magic byte, then the schema id
  const id = buf.readInt32BE(1);
  const res = await fetch(`${service.rt.config.schemaRegistryUrl}/schemas/ids/${id}`);
  const { schema } = (await res.json()) as { schema: string };
  expect(JSON.parse(schema).name).toBeDefined();
  return avro.Type.forSchema(JSON.parse(schema)).fromBuffer(buf.subarray(5));
}

// The walking skeleton through every real part: a signed webhook → receiver → Kafka → hydrate →
// convert → dedupe → limit → stage (.eml in Azurite) → route → import → Dovecot over IMAP.
describe('walking skeleton (simulator → receiver → Kafka → Azurite → Dovecot)', () => {
  const id = uniqueId();
  const pipeline = useWebhookPipeline(() => fixture(id), SECRET);

  it('a signed webhook ends as the same .eml, byte for byte, in each participant\'s Dovecot folder', async () => {
    const { sim, service } = pipeline();
    await sim.playLive();
    let outcomes: Outcome[] = [];
    await waitUntil(async () => {
      outcomes = [];
      await readTopicToEnd<Outcome>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'outcomes'), (v) => v && outcomes.push(v));
      return outcomes.filter((o) => o.kind === 'imported').length >= 2;
    }, 90_000, 'two imported outcomes');
    // Besides the two copies, convert notes (mailbox null) that the fixture's message is older than
    // the membership timeline reaches.
    expect(outcomes.filter((o) => o.kind !== 'noted').map((o) => o.mailbox).sort()).toEqual([`alice-${id}@example.com`, `bob-${id}@example.com`]);

    const staged: StagedItem[] = [];
    await readTopicToEnd<StagedItem>(service.rt.kafka, service.rt.serde, topicName(service.rt.config, 'staged'), (v) => v && staged.push(v));
    expect(staged).toHaveLength(1);
    const eml = await buffer(await service.rt.blob.openRead(staged[0]!.container, staged[0]!.blobName));
    expect(eml.length).toBe(staged[0]!.size);

    for (const mailbox of [`alice-${id}@example.com`, `bob-${id}@example.com`]) {
      const mails = await readMailbox(mailbox);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.source.equals(eml)).toBe(true);
      expect(mails[0]!.flags.has('\\Seen')).toBe(true);
      expect(mails[0]!.internalDate.toISOString()).toBe('2026-01-05T09:01:00.000Z');
    }
    expect(eml.toString('latin1')).toContain('q1.pdf');
  });

  it('every topic\'s records decode with the schema registered under <topic>-value', async () => {
    const { service } = pipeline();
    for (const key of ['webhooks', 'raw', 'converted', 'unique', 'limited', 'staged', 'imports', 'outcomes'] as TopicKey[]) {
      const value = (await decodeWithRegisteredSchema(service, key)) as Record<string, unknown>;
      expect(Object.keys(value).length, TOPICS[key].base).toBeGreaterThan(0);
      const subject = await fetch(`${service.rt.config.schemaRegistryUrl}/subjects/${encodeURIComponent(topicName(service.rt.config, key))}-value/versions/latest`);
      expect(subject.status).toBe(200);
    }
  });
});
