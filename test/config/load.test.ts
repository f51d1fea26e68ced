import { describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from '../../src/config/load.js';
import { ArchiverError } from '../../src/errors.js';

describe('loadConfig', () => {
  it('runs on embedded defaults', () => {
    const c = loadConfig({});
    expect(c.kafkaBrokers).toEqual(['127.0.0.1:19092']);
    expect(c.maxItemBytes).toBe(10 * 1024 * 1024);
    expect(c.sink).toBe('maildir');
  });

  it.each([
    ['WXA_MAX_ITEM_BYTES', 'ten', 'WXA_MAX_ITEM_BYTES: expected an integer'],
    ['WXA_OVERSIZE_POLICY', 'drop', 'WXA_OVERSIZE_POLICY: expected one of reject, strip-attachments'],
    ['WXA_SCHEMA_REGISTRY_URL', 'ftp://x', 'WXA_SCHEMA_REGISTRY_URL: expected an http(s) URL'],
    ['WXA_WEBHOOK_SECRET', 'short', 'WXA_WEBHOOK_SECRET: must be at least 16 characters'],
    ['WXA_ORG_DOMAINS', 'not a domain', 'WXA_ORG_DOMAINS'],
    ['WXA_CRAWL_DAILY_AT', '25:00', 'WXA_CRAWL_DAILY_AT: expected HH:MM'],
  ])('a bad %s stops start-up naming the key', (key, value, message) => {
    let err: unknown;
    try { loadConfig({ [key]: value }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ArchiverError);
    expect((err as ArchiverError).code).toBe('CONFIG');
    expect((err as Error).message).toContain(message);
  });

  it('never shows secrets in its printable form', () => {
    const c = loadConfig({ WXA_WEBEX_TOKEN: 'tok-super-secret-value', WXA_OPERATOR_TOKEN: 'operator-secret-123456' });
    const printed = JSON.stringify(redactedConfig(c));
    expect(printed).not.toContain('tok-super-secret-value');
    expect(printed).not.toContain('operator-secret-123456');
    expect(printed).toContain('"webexToken":"[redacted]"');
  });
});

describe('docs/configuration.md', () => {
  it('is generated from the schema and current', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderConfigDocs } = await import('../../src/config/docs.js');
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).toBe(renderConfigDocs());
  });
});
