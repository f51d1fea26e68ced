import { blobEndpointHost } from './blob-endpoint.js';
import { CONFIG_SPEC, type Config, type ConfigSpec } from './schema.js';

/**
 * "No development default outside loopback": the defaults let `npm start` and the tests run with
 * no setup, and they are public (they are in this repository). A process that listens on, or
 * talks to, anything but loopback is a deployment, where such a value lets anyone who read the
 * source sign webhooks (a forged `deleted` webhook puts a "[deleted]" item in real mailboxes),
 * sign in to the dashboard or read the blob store. So every secret in use that still holds a
 * known development or documented example value stops start-up there, naming its key.
 */
export interface ConfigProblem { env: string; reason: string }
type Key = keyof ConfigSpec;

/**
 * Known values no deployment may use as a secret: every secret key's development default (so a
 * key added to the schema counts at once), the example webhook secret of the Webex API reference
 * (https://developer.webex.com/docs/api/v1/webhooks/create-a-webhook), and Azurite's published
 * account key, which may come inside any connection string
 * (https://learn.microsoft.com/azure/storage/common/storage-use-azurite#http-connection-strings).
 */
const WEBEX_EXAMPLE_WEBHOOK_SECRET = '86dacc007724d8ea666f88fc77d918dad9537a15';
const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function isKnownDevelopmentValue(value: string): boolean {
  if (value === '') return false;
  if (value.includes(AZURITE_ACCOUNT_KEY) || /(^|;)\s*UseDevelopmentStorage\s*=\s*true/i.test(value)) return true;
  if (value === WEBEX_EXAMPLE_WEBHOOK_SECRET) return true;
  return Object.values(CONFIG_SPEC).some((s) => 'secret' in s && s.secret && s.default !== '' && s.default === value);
}

/** Loopback only: 127.0.0.0/8, ::1 (also IPv4-mapped) and the names RFC 6761 §6.3 reserves for it. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  let hostname: string;
  try { hostname = new URL(`http://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}/`).hostname; } catch { return false; }
  if (/^127\.\d+\.\d+\.\d+$/.test(hostname)) return true;
  return hostname === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname);
}

function urlHost(url: string): string {
  try { return new URL(url).hostname; } catch { return url; }
}

/** host of "host:port" or "[v6]:port". */
function brokerHost(broker: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(broker);
  if (v6) return v6[1]!;
  return broker.split(':')[0] ?? broker;
}

/** Every address this configuration listens on or connects to, with the key that sets it. */
export function addressesInUse(c: Config): { env: string; host: string }[] {
  const at = (key: Key, host: string) => ({ env: CONFIG_SPEC[key].env, host });
  const out = [
    at('receiverHost', c.receiverHost),
    at('metricsHost', c.metricsHost),
    at('webexBaseUrl', urlHost(c.webexBaseUrl)),
    at('webhookTargetUrl', urlHost(c.webhookTargetUrl)),
    ...c.kafkaBrokers.map((b) => at('kafkaBrokers', brokerHost(b))),
    at('schemaRegistryUrl', urlHost(c.schemaRegistryUrl)),
  ];
  // An unreadable connection string is refused by cross-field.ts on its own.
  const blob = blobEndpointHost(c.blobConnectionString);
  if (blob !== undefined) out.push(at('blobConnectionString', blob));
  if (c.sink === 'imap') out.push(at('imapHost', c.imapHost));
  if (c.sink === 'graph') out.push(at('graphBaseUrl', urlHost(c.graphBaseUrl)), at('graphAuthority', urlHost(c.graphAuthority)));
  if (c.sink === 'smtp') out.push(at('smtpHost', c.smtpHost));
  return out;
}

/** Secrets that only one sink or one way of signing in reads; every other secret is always in use. */
const IN_USE_WHEN: Partial<Record<Key, (c: Config) => boolean>> = {
  imapPassword: (c) => c.sink === 'imap' && c.imapAccessToken === '',
  imapAccessToken: (c) => c.sink === 'imap',
  graphClientSecret: (c) => c.sink === 'graph',
  smtpPassword: (c) => c.sink === 'smtp' && c.smtpUser !== '',
  webexClientSecret: (c) => c.webexRefreshToken !== '',
};

export function developmentSecretsExposed(c: Config): ConfigProblem[] {
  const exposed = addressesInUse(c).filter((a) => !isLoopbackHost(a.host));
  if (exposed.length === 0) return [];
  const why = `off loopback (${exposed.map((a) => `${a.env} ${a.host}`).join(', ')})`;
  const problems: ConfigProblem[] = [];
  for (const [key, spec] of Object.entries(CONFIG_SPEC) as [Key, ConfigSpec[Key]][]) {
    if (!('secret' in spec && spec.secret)) continue;
    if (!(IN_USE_WHEN[key]?.(c) ?? true)) continue;
    const value = c[key] as unknown;
    if (typeof value === 'string' && isKnownDevelopmentValue(value)) {
      problems.push({ env: spec.env, reason: `is a public development or example value, refused ${why}; set a secret of your own` });
    }
  }
  return problems;
}

/**
 * URLs that carry a bearer token (Webex's, Graph's and its token request) must be https once they
 * leave loopback: over http anyone on the path reads the token (RFC 6750 §5.3).
 */
export function tokensInClear(c: Config): ConfigProblem[] {
  const urls: Key[] = ['webexBaseUrl', ...(c.sink === 'graph' ? (['graphBaseUrl', 'graphAuthority'] as const) : [])];
  return urls.flatMap((key) => {
    const u = new URL(c[key] as string);
    return u.protocol === 'http:' && !isLoopbackHost(u.hostname)
      ? [{ env: CONFIG_SPEC[key].env, reason: `would send its access token in clear to ${u.hostname}; use https` }]
      : [];
  });
}

/**
 * The journal stream (WXA_SINK=smtp) in plain text, or to a certificate nobody checked, only to
 * this machine (a local test server): anywhere else it would be readable or redirectable on the
 * network (RFC 3207 §6; docs/smtp-journaling.md).
 */
export function journalInClear(c: Config): ConfigProblem[] {
  if (c.sink !== 'smtp' || isLoopbackHost(c.smtpHost)) return [];
  return [
    ...(c.smtpTls === 'none' ? [{ env: CONFIG_SPEC.smtpTls.env, reason: `none is allowed only for a loopback WXA_SMTP_HOST, not ${c.smtpHost}` }] : []),
    ...(c.smtpTlsVerify ? [] : [{ env: CONFIG_SPEC.smtpTlsVerify.env, reason: `false is allowed only for a loopback WXA_SMTP_HOST, not ${c.smtpHost}` }]),
  ];
}
