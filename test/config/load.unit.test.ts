import { describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from '../../src/config/load.js';
import { ArchiverError } from '../../src/errors.js';
import { GRAPH_CREDENTIALS, OWN_SECRETS } from '../support/production-env.js';

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
    ['WXA_WEBHOOK_SECRET', 'short', 'WXA_WEBHOOK_SECRET: must be at least 20 characters'],
    ['WXA_ORG_DOMAINS', 'not a domain', 'WXA_ORG_DOMAINS'],
    ['WXA_CRAWL_DAILY_AT', '25:00', 'WXA_CRAWL_DAILY_AT: expected HH:MM'],
  ])('a bad %s stops start-up naming the key', (key, value, message) => {
    let err: unknown;
    try { loadConfig({ [key]: value }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ArchiverError);
    expect((err as ArchiverError).code).toBe('CONFIG');
    expect((err as Error).message).toContain(message);
  });

  // A journal stream in clear text, or to an unchecked certificate, only to this machine.
  describe('WXA_SINK=smtp transport security', () => {
    it('allows TLS off or an unchecked certificate only for a loopback host', () => {
      expect(loadConfig({ WXA_SINK: 'smtp', WXA_SMTP_TLS_VERIFY: 'false' }).smtpTlsVerify).toBe(false);
      expect(loadConfig({ WXA_SINK: 'smtp', WXA_SMTP_TLS: 'none', WXA_SMTP_HOST: 'localhost' }).smtpTls).toBe('none');
      // Off loopback the development secrets are refused too (one line per key); these lines are ours.
      expect(() => loadConfig({ WXA_SINK: 'smtp', WXA_SMTP_HOST: 'smtp.archive.example', WXA_SMTP_TLS_VERIFY: 'false' })).toThrow(/^WXA_SMTP_TLS_VERIFY: false is allowed only for a loopback WXA_SMTP_HOST, not smtp\.archive\.example$/m);
      expect(() => loadConfig({ WXA_SINK: 'smtp', WXA_SMTP_HOST: '10.0.0.5', WXA_SMTP_TLS: 'none' })).toThrow(/^WXA_SMTP_TLS: none is allowed only for a loopback WXA_SMTP_HOST, not 10\.0\.0\.5$/m);
      expect(() => loadConfig({ WXA_SINK: 'smtp', WXA_SMTP_HOST: 'smtp.archive.example' })).not.toThrow(/WXA_SMTP_TLS/);
    });

    it('parses X- headers and names the key when one is malformed', () => {
      expect(loadConfig({ WXA_SMTP_HEADERS: 'X-Archive-Source=webex; X-Kvs-Channel=chat' }).smtpHeaders).toEqual([{ name: 'X-Archive-Source', value: 'webex' }, { name: 'X-Kvs-Channel', value: 'chat' }]);
      expect(() => loadConfig({ WXA_SMTP_HEADERS: 'Subject=hi' })).toThrow(/^WXA_SMTP_HEADERS: "Subject=hi": expected X-Name=value/);
    });
  });

  // Graph refuses requests over 4 MB, so its sink fails MIME over 3,000,000 bytes at import; the
  // limit stage must strip or reject such items first, not let the 10 MB default wave them through.
  describe('WXA_MAX_ITEM_BYTES with WXA_SINK=graph', () => {
    // Graph is https://graph.microsoft.com by default: off loopback, so secrets of our own.
    const graph = { ...OWN_SECRETS, ...GRAPH_CREDENTIALS, WXA_SINK: 'graph' };
    it('defaults to Graph\'s 3000000 when unset (other sinks keep 10 MB)', () => {
      expect(loadConfig(graph).maxItemBytes).toBe(3_000_000);
      expect(loadConfig({ WXA_SINK: 'imap' }).maxItemBytes).toBe(10 * 1024 * 1024);
    });

    it('accepts an explicit value up to 3000000, from the environment or the config file', async () => {
      expect(loadConfig({ ...graph, WXA_MAX_ITEM_BYTES: '3000000' }).maxItemBytes).toBe(3_000_000);
      expect(loadConfig({ ...graph, WXA_MAX_ITEM_BYTES: '2000000' }).maxItemBytes).toBe(2_000_000);
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const path = await import('node:path');
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'wxa-cfg-')), 'env');
      writeFileSync(file, 'WXA_SINK=graph\nWXA_MAX_ITEM_BYTES=1500000\n');
      const { WXA_SINK: _sink, ...rest } = graph;
      expect(loadConfig({ ...rest, WXA_CONFIG_FILE: file }).maxItemBytes).toBe(1_500_000);
    });

    it('an explicit larger value stops start-up with a CONFIG error naming the key and why', () => {
      let err: unknown;
      try { loadConfig({ ...graph, WXA_MAX_ITEM_BYTES: String(10 * 1024 * 1024) }); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ArchiverError);
      expect((err as ArchiverError).code).toBe('CONFIG');
      expect((err as Error).message).toMatch(/^WXA_MAX_ITEM_BYTES: 10485760 is over 3000000/);
      expect((err as Error).message).toContain("Graph's 4 MB request cap");
      // The same value is fine for a sink without that cap.
      expect(loadConfig({ WXA_SINK: 'imap', WXA_MAX_ITEM_BYTES: String(10 * 1024 * 1024) }).maxItemBytes).toBe(10 * 1024 * 1024);
    });
  });

  it('a removed key stops start-up naming what replaced it', () => {
    expect(() => loadConfig({ WXA_CRAWL_WINDOW_MINUTES: '360' })).toThrow(/^WXA_CRAWL_WINDOW_MINUTES: no longer used: the crawler reads events page by page .*WXA_CRAWL_PAGE_SIZE/);
    expect(loadConfig({ WXA_CRAWL_PAGE_SIZE: '10' }).crawlPageSize).toBe(10);
    expect(() => loadConfig({ WXA_CRAWL_PAGE_SIZE: '1001' })).toThrow(/WXA_CRAWL_PAGE_SIZE/);
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
