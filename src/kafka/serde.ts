import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Config } from '../config/schema.js';
import { ArchiverError, isNetworkError } from '../errors.js';
import { schemaBase, TOPICS, topicName, type TopicKey } from './topics.js';

const SCHEMA_DIR = path.join(path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url)))), 'schemas');

export function schemaFile(key: TopicKey): string {
  return path.join(SCHEMA_DIR, `${schemaBase(key)}.avsc`);
}

/**
 * Avro in the Confluent wire format (magic 0, 4-byte schema id, Avro body) through a
 * Confluent-compatible registry. Each topic's schema is registered under `<topic>-value`
 * with BACKWARD compatibility, once per process; the registry client caches ids and schemas.
 */
export interface Serde {
  encode(topic: TopicKey, value: unknown): Promise<Buffer>;
  decode<T>(buffer: Buffer): Promise<T>;
  schemaId(topic: TopicKey): Promise<number>;
}

export function createSerde(config: Pick<Config, 'schemaRegistryUrl' | 'topicPrefix'>): Serde {
  const registry = new SchemaRegistry({ host: config.schemaRegistryUrl });
  const ids = new Map<TopicKey, Promise<number>>();

  function schemaId(topic: TopicKey): Promise<number> {
    let id = ids.get(topic);
    if (!id) {
      const subject = `${topicName(config, topic)}-value`;
      const schema = { type: SchemaType.AVRO as const, schema: readFileSync(schemaFile(topic), 'utf8') };
      id = registry
        .register(schema, { subject })
        .catch(async (err: unknown) => {
          // The client registers a new subject's first version and only then sets its BACKWARD
          // compatibility; a process killed in between leaves the subject without one, which
          // Apicurio reports as NONE, and every later register refused it: a processor that
          // crash-looped forever. Finish that first registration and register again.
          if (!(err instanceof Error) || !/Compatibility does not match the configuration \(BACKWARD != NONE\)/.test(err.message)) throw err;
          await setBackward(config.schemaRegistryUrl, subject);
          return registry.register(schema, { subject });
        })
        .then((r) => r.id)
        .catch((err: unknown) => {
          ids.delete(topic);
          throw registryError(`register ${topicName(config, topic)}-value`, err);
        });
      ids.set(topic, id);
    }
    return id;
  }

  return {
    schemaId,
    async encode(topic, value) {
      const id = await schemaId(topic);
      try {
        return await registry.encode(id, value);
      } catch (err) {
        // A value that does not fit its schema is a bug upstream or a bad record: never retried.
        throw new ArchiverError('BAD_RECORD', `value does not match ${TOPICS[topic].base}: ${(err as Error).message}`, { cause: err });
      }
    },
    async decode<T>(buffer: Buffer): Promise<T> {
      if (buffer.length < 5 || buffer[0] !== 0) throw new ArchiverError('BAD_RECORD', 'not in Confluent wire format (magic byte 0 + schema id)');
      try {
        return (await registry.decode(buffer)) as T;
      } catch (err) {
        throw registryError('decode', err);
      }
    },
  };
}

async function setBackward(registryUrl: string, subject: string): Promise<void> {
  const res = await fetch(`${registryUrl.replace(/\/$/, '')}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw Object.assign(new Error(`PUT /config/${subject}: ${res.status} ${await res.text()}`), { status: res.status });
}

function registryError(what: string, err: unknown): ArchiverError {
  const status = (err as { status?: number }).status;
  if (isNetworkError(err) || (typeof status === 'number' && status >= 500)) {
    return new ArchiverError('UNAVAILABLE', `schema registry ${what}: ${(err as Error).message}`, { cause: err });
  }
  return new ArchiverError('BAD_RECORD', `schema registry ${what}: ${(err as Error).message}`, { cause: err });
}
