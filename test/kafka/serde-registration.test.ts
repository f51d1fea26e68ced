import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSerde, schemaFile } from '../../src/kafka/serde.js';
import { topicName } from '../../src/kafka/topics.js';
import { testConfig } from '../support/config.js';

/** Registration against the real registry (Apicurio, Confluent API) when an earlier process died halfway. */
describe('schema registration', () => {
  it('finishes a first registration that a killed process left without its BACKWARD compatibility', async () => {
    const config = testConfig();
    const subject = `${topicName(config, 'staged')}-value`;
    const base = config.schemaRegistryUrl.replace(/\/$/, '');
    const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
    // What the client does first for a new subject: register the version. The process then died
    // before it set the subject's compatibility.
    const first = await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, { method: 'POST', headers, body: JSON.stringify({ schema: readFileSync(schemaFile('staged'), 'utf8') }) });
    expect(first.ok).toBe(true);
    const before = await fetch(`${base}/config/${encodeURIComponent(subject)}`);
    expect(before.ok ? ((await before.json()) as { compatibilityLevel: string }).compatibilityLevel : 'missing').not.toBe('BACKWARD');

    const id = await createSerde(config).schemaId('staged');
    expect(id).toBe(((await first.json()) as { id: number }).id);
    const after = (await (await fetch(`${base}/config/${encodeURIComponent(subject)}`)).json()) as { compatibilityLevel: string };
    expect(after.compatibilityLevel).toBe('BACKWARD');
  });

  it('still refuses a subject an operator set to another compatibility', async () => {
    const config = testConfig();
    const subject = `${topicName(config, 'raw')}-value`;
    const base = config.schemaRegistryUrl.replace(/\/$/, '');
    const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
    expect((await fetch(`${base}/subjects/${encodeURIComponent(subject)}/versions`, { method: 'POST', headers, body: JSON.stringify({ schema: readFileSync(schemaFile('raw'), 'utf8') }) })).ok).toBe(true);
    expect((await fetch(`${base}/config/${encodeURIComponent(subject)}`, { method: 'PUT', headers, body: JSON.stringify({ compatibility: 'FULL' }) })).ok).toBe(true);
    await expect(createSerde(config).schemaId('raw')).rejects.toMatchObject({ code: 'BAD_RECORD', message: expect.stringMatching(/BACKWARD != FULL/) });
  });
});
