import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { isLoopbackHost } from '../../src/config/exposure.js';
import { CONFIG_SPEC } from '../../src/config/schema.js';
import { ArchiverError } from '../../src/errors.js';
import { spawnCli } from '../support/cli.js';
import { GRAPH_CREDENTIALS, OWN_SECRETS } from '../support/production-env.js';

/** The CONFIG error loadConfig throws for `env`, or a failure when it accepts it. */
function refusal(env: Record<string, string>): string {
  try { loadConfig(env); } catch (err) {
    expect(err).toBeInstanceOf(ArchiverError);
    expect((err as ArchiverError).code).toBe('CONFIG');
    return (err as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}
/** The keys a refusal names, one problem per line, each line starting with its key. */
const namedKeys = (message: string) => message.split('\n').map((l) => l.split(':')[0]);

const ALWAYS_USED_DEV_SECRETS = ['WXA_BLOB_CONNECTION_STRING', 'WXA_WEBEX_TOKEN', 'WXA_WEBHOOK_SECRET', 'WXA_OPERATOR_TOKEN'];
const { WXA_IMAP_PASSWORD: _imap, ...OWN_WITHOUT_IMAP } = OWN_SECRETS;

describe('no development secret off loopback', () => {
  it('the defaults run as they are on loopback (npm start, the tests)', () => {
    expect(() => loadConfig({})).not.toThrow();
    expect(() => loadConfig({ WXA_RECEIVER_HOST: 'localhost', WXA_WEBEX_BASE_URL: 'http://[::1]:18090/v1', WXA_KAFKA_BROKERS: '127.0.0.2:19092' })).not.toThrow();
  });

  it.each([
    ['WXA_RECEIVER_HOST', { WXA_RECEIVER_HOST: '0.0.0.0' }],
    ['WXA_METRICS_HOST', { WXA_METRICS_HOST: '::' }],
    ['WXA_WEBEX_BASE_URL', { WXA_WEBEX_BASE_URL: 'https://webexapis.com/v1' }],
    ['WXA_WEBHOOK_TARGET_URL', { WXA_WEBHOOK_TARGET_URL: 'https://archiver.example.com/webhooks/webex' }],
    ['WXA_KAFKA_BROKERS', { WXA_KAFKA_BROKERS: '127.0.0.1:19092,kafka-2.internal:9092' }],
    ['WXA_SCHEMA_REGISTRY_URL', { WXA_SCHEMA_REGISTRY_URL: 'http://registry.internal:8081' }],
    ['WXA_IMAP_HOST', { WXA_SINK: 'imap', WXA_IMAP_HOST: 'imap.example.com' }],
    ['WXA_GRAPH_BASE_URL', { WXA_SINK: 'graph', ...GRAPH_CREDENTIALS }],
  ] as [string, Record<string, string>][])('%s off loopback: every development secret in use stops start-up, each named, none shown', (exposing, env) => {
    const message = refusal(env);
    const expected = [...ALWAYS_USED_DEV_SECRETS, ...(env.WXA_SINK === 'imap' ? ['WXA_IMAP_PASSWORD'] : [])];
    expect(namedKeys(message).sort()).toEqual(expected.sort());
    expect(message).toContain(exposing);
    for (const spec of Object.values(CONFIG_SPEC)) if ('secret' in spec && spec.secret && spec.default) expect(message).not.toContain(spec.default);
    // With secrets of its own the same deployment starts.
    expect(() => loadConfig({ ...env, ...OWN_SECRETS })).not.toThrow();
  });

  it('the blob endpoint counts: a real storage account with the development secrets is refused', () => {
    const message = refusal({ WXA_BLOB_CONNECTION_STRING: OWN_SECRETS.WXA_BLOB_CONNECTION_STRING! });
    expect(message).toContain('WXA_BLOB_CONNECTION_STRING archiveprod.blob.core.windows.net');
    expect(namedKeys(message).sort()).toEqual(['WXA_OPERATOR_TOKEN', 'WXA_WEBEX_TOKEN', 'WXA_WEBHOOK_SECRET']);
  });

  it("Azurite's published key is refused off loopback wherever it points (the Compose network's azurite:10000 too)", () => {
    const azuriteInCompose = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://azurite:10000/devstoreaccount1;';
    expect(namedKeys(refusal({ ...OWN_SECRETS, WXA_BLOB_CONNECTION_STRING: azuriteInCompose }))).toEqual(['WXA_BLOB_CONNECTION_STRING']);
    expect(namedKeys(refusal({ ...OWN_SECRETS, WXA_RECEIVER_HOST: '0.0.0.0', WXA_BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true' }))).toEqual(['WXA_BLOB_CONNECTION_STRING']);
  });

  it('a URL that carries an access token must be https off loopback', () => {
    expect(namedKeys(refusal({ ...OWN_SECRETS, WXA_WEBEX_BASE_URL: 'http://webexapis.com/v1' }))).toEqual(['WXA_WEBEX_BASE_URL']);
    expect(refusal({ ...OWN_SECRETS, ...GRAPH_CREDENTIALS, WXA_SINK: 'graph', WXA_GRAPH_BASE_URL: 'http://graph.internal/beta' })).toBe('WXA_GRAPH_BASE_URL: would send its access token in clear to graph.internal; use https');
    // Graph's URLs matter only with its sink; the local simulator is http on loopback.
    expect(() => loadConfig({ WXA_GRAPH_BASE_URL: 'http://graph.internal/beta' })).not.toThrow();
    expect(() => loadConfig({ WXA_WEBEX_BASE_URL: 'http://127.0.0.1:18090/v1' })).not.toThrow();
  });

  it('a secret only one sink reads is required only with that sink', () => {
    expect(() => loadConfig({ ...OWN_WITHOUT_IMAP, WXA_RECEIVER_HOST: '0.0.0.0', WXA_SINK: 'maildir' })).not.toThrow();
    expect(namedKeys(refusal({ ...OWN_WITHOUT_IMAP, WXA_RECEIVER_HOST: '0.0.0.0', WXA_SINK: 'imap' }))).toEqual(['WXA_IMAP_PASSWORD']);
    // XOAUTH2 replaces the password, so the password is not in use.
    expect(() => loadConfig({ ...OWN_WITHOUT_IMAP, WXA_RECEIVER_HOST: '0.0.0.0', WXA_SINK: 'imap', WXA_IMAP_ACCESS_TOKEN: 'own-xoauth2-access-token' })).not.toThrow();
  });

  describe('the webhook secret', () => {
    it('shorter than 20 characters (RFC 2104: an HMAC-SHA1 key shorter than its 20-byte output) is refused anywhere', () => {
      expect(refusal({ WXA_WEBHOOK_SECRET: 'nineteen-characters' })).toBe('WXA_WEBHOOK_SECRET: must be at least 20 characters');
      expect(loadConfig({ WXA_WEBHOOK_SECRET: 'twenty-characters-ok' }).webhookSecret).toHaveLength(20);
    });

    it.each([
      ['its own development default', 'local-webhook-secret'],
      ["another key's development default", 'local-operator-token'],
      ["the Webex API reference's example", '86dacc007724d8ea666f88fc77d918dad9537a15'],
    ])('equal to %s is refused off loopback, and only there', (_what, value) => {
      expect(namedKeys(refusal({ ...OWN_SECRETS, WXA_RECEIVER_HOST: '0.0.0.0', WXA_WEBHOOK_SECRET: value }))).toEqual(['WXA_WEBHOOK_SECRET']);
      expect(loadConfig({ WXA_WEBHOOK_SECRET: value }).webhookSecret).toBe(value);
    });
  });

  it.each([
    ['127.0.0.1', true], ['127.10.0.3', true], ['localhost', true], ['LOCALHOST', true], ['api.localhost', true],
    ['::1', true], ['[::1]', true], ['0:0:0:0:0:0:0:1', true], ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false], ['::', false], ['10.0.0.5', false], ['128.0.0.1', false], ['localhost.example.com', false],
    ['webexapis.com', false], ['::ffff:10.0.0.1', false], ['', false],
  ])('isLoopbackHost(%j) is %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('configuration typos are errors', () => {
  it('an unknown WXA_ variable stops start-up naming it and the nearest key', () => {
    expect(refusal({ WXA_OPERATOR_TOKNE: 'x' })).toMatch(/^WXA_OPERATOR_TOKNE: unknown configuration key in the environment; did you mean WXA_OPERATOR_TOKEN\?/);
    expect(refusal({ WXA_MAIL_FOLDR: 'x' })).toContain('did you mean WXA_MAIL_FOLDER?');
    expect(refusal({ WXA_SINKS: 'imap' })).toContain('did you mean WXA_SINK?');
    // Several at once: each on its own line.
    expect(namedKeys(refusal({ WXA_RECIEVER_HOST: '0.0.0.0', WXA_WEBHOOK_SECRT: 'x' }))).toEqual(['WXA_RECIEVER_HOST', 'WXA_WEBHOOK_SECRT']);
  });

  it('in overrides and in the config file too', async () => {
    expect(() => loadConfig({}, { WXA_TOPIC_PREFX: 'a.' })).toThrow(/WXA_TOPIC_PREFX: unknown configuration key in the overrides; did you mean WXA_TOPIC_PREFIX\?/);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wxa-cfg-')), 'env');
    writeFileSync(file, 'WXA_SINK=imap\nWXA_IMAP_PORTT=993\n');
    expect(refusal({ WXA_CONFIG_FILE: file })).toContain(`WXA_IMAP_PORTT: unknown configuration key in ${file}; did you mean WXA_IMAP_PORT?`);
  });

  it('every key of the schema and WXA_CONFIG_FILE are known; variables of others are not ours', () => {
    const everyKey = Object.fromEntries(Object.values(CONFIG_SPEC).map((s) => [s.env, s.default]));
    expect(() => loadConfig({ ...everyKey, PATH: '/usr/bin', WXAX_OTHER: 'y', wxa_lower: 'z', NODE_OPTIONS: '' })).not.toThrow();
  });

  it.each([
    ['WXA_IMAP_LOGIN_TEMPLATE', '%s*archiver', 'must contain {mailbox}'],
    ['WXA_IMAP_LOGIN_TEMPLATE', 'archiver', 'must contain {mailbox}'],
    ['WXA_MAIL_FOLDER', '', 'must name a folder'],
    ['WXA_MAIL_FOLDER', '   ', 'must name a folder'],
    ['WXA_MAIL_FOLDER', '/', 'must name a folder'],
    ['WXA_MAIL_FOLDER', 'Webex\r\nTeams', 'must not contain control characters'],
    ['WXA_MAIL_FOLDER', ' Webex Teams', 'must not start or end with a space'],
    ['WXA_RECEIVER_HOST', '', 'must not be empty'],
    ['WXA_RECEIVER_HOST', 'http://0.0.0.0', 'is not a host name or IP address'],
    ['WXA_IMAP_HOST', 'imap.example.com:993', 'is not a host name or IP address'],
    ['WXA_IMAP_HOST', 'cafe.de:993', 'is not a host name or IP address'],
    ['WXA_IMAP_HOST', 'imap example.com', 'is not a host name or IP address'],
    ['WXA_METRICS_HOST', ' ', 'must not be empty'],
    ['WXA_MAILDIR_ROOT', '', 'must not be empty'],
    ['WXA_DATA_DIR', '', 'must not be empty'],
    ['WXA_KAFKA_CLIENT_ID', '', 'must not be empty'],
  ])('%s=%j cannot work and is refused', (key, value, reason) => {
    expect(refusal({ [key]: value })).toContain(`${key}: ${reason}`);
  });

  it.each([
    ['WXA_WEBEX_CLIENT_ID', { WXA_WEBEX_REFRESH_TOKEN: 'own-refresh-token', WXA_WEBEX_CLIENT_SECRET: 'own-client-secret' }],
    ['WXA_WEBEX_CLIENT_SECRET', { WXA_WEBEX_REFRESH_TOKEN: 'own-refresh-token', WXA_WEBEX_CLIENT_ID: 'client-1' }],
    ['WXA_WEBEX_TOKEN', { WXA_WEBEX_TOKEN: '' }],
    ['WXA_GRAPH_CLIENT_SECRET', { ...OWN_SECRETS, WXA_SINK: 'graph', ...GRAPH_CREDENTIALS, WXA_GRAPH_CLIENT_SECRET: '' }],
    ['WXA_IMAP_PASSWORD', { WXA_SINK: 'imap', WXA_IMAP_PASSWORD: '' }],
    ['WXA_FALLBACK_MAILBOX', { WXA_FALLBACK_MAILBOX: '' }],
    ['WXA_BLOB_CONNECTION_STRING', { WXA_BLOB_CONNECTION_STRING: 'not a connection string' }],
  ])('a combination that cannot work names %s', (key, env) => {
    expect(namedKeys(refusal(env))).toEqual([key]);
  });

  it('those combinations work once completed', () => {
    expect(() => loadConfig({ WXA_WEBEX_REFRESH_TOKEN: 'own-refresh-token', WXA_WEBEX_CLIENT_ID: 'client-1', WXA_WEBEX_CLIENT_SECRET: 'own-client-secret', WXA_WEBEX_TOKEN: '' })).not.toThrow();
    expect(() => loadConfig({ WXA_FALLBACK_MAILBOX: '', WXA_UNMAPPED_POLICY: 'record' })).not.toThrow();
  });
});

describe('at start-up (the CLI)', () => {
  const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const run = async (args: string[], env: Record<string, string>) => {
    const p = spawnCli(args, env);
    return { code: await p.exited, out: p.output() };
  };

  it('receiver on 0.0.0.0 with the development secrets exits 2 naming each key, before listening', async () => {
    const { code, out } = await run(['receiver'], { ...cleanEnv, WXA_RECEIVER_HOST: '0.0.0.0', WXA_RECEIVER_PORT: '0' });
    expect(code, out).toBe(2);
    for (const key of ALWAYS_USED_DEV_SECRETS) expect(out).toContain(`${key}: is a public development or example value`);
    expect(out).not.toContain('local-operator-token');
    expect(out).not.toMatch(/listening/i);
  });

  it('a mistyped WXA_OPERATOR_TOKNE exits 2 naming it and WXA_OPERATOR_TOKEN', async () => {
    const { code, out } = await run(['config'], { ...cleanEnv, WXA_OPERATOR_TOKNE: 'own-operator-token-0123456789' });
    expect(code, out).toBe(2);
    expect(out).toContain('webex-archiver config: WXA_OPERATOR_TOKNE: unknown configuration key in the environment; did you mean WXA_OPERATOR_TOKEN?');
    expect(out).not.toContain('own-operator-token-0123456789');
  });
});
