import { blobEndpointHost } from './blob-endpoint.js';
import type { ConfigProblem } from './exposure.js';
import { CONFIG_SPEC, type Config } from './schema.js';

/**
 * Combinations of individually valid values that cannot work: each would start and then fail on
 * every item (or quietly do something else), so they stop start-up instead, naming the key to set.
 */
export function unworkableCombinations(c: Config): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const need = (ok: boolean, key: keyof typeof CONFIG_SPEC, reason: string) => { if (!ok) out.push({ env: CONFIG_SPEC[key].env, reason }); };
  need(blobEndpointHost(c.blobConnectionString) !== undefined, 'blobConnectionString', 'is not an Azure Storage connection string (needs BlobEndpoint=, AccountName= or UseDevelopmentStorage=true)');
  need(c.webexToken !== '' || c.webexRefreshToken !== '', 'webexToken', `must not be empty unless ${CONFIG_SPEC.webexRefreshToken.env} is set`);
  if (c.webexRefreshToken !== '') {
    // Refreshing posts client_id and client_secret with the refresh token (docs/webex-client.md).
    need(c.webexClientId !== '', 'webexClientId', `is required with ${CONFIG_SPEC.webexRefreshToken.env}: the token cannot be refreshed without it`);
    need(c.webexClientSecret !== '', 'webexClientSecret', `is required with ${CONFIG_SPEC.webexRefreshToken.env}: the token cannot be refreshed without it`);
  }
  if (c.sink === 'imap') need(c.imapPassword !== '' || c.imapAccessToken !== '', 'imapPassword', `is required with WXA_SINK=imap unless ${CONFIG_SPEC.imapAccessToken.env} is set`);
  if (c.sink === 'graph') {
    // Client-credentials flow: tenant, client id and secret all go into the token request.
    for (const key of ['graphTenantId', 'graphClientId', 'graphClientSecret'] as const) need(c[key] !== '', key, 'is required with WXA_SINK=graph');
  }
  need(c.unmappedPolicy !== 'fallback' || c.fallbackMailbox !== '', 'fallbackMailbox', `is required with ${CONFIG_SPEC.unmappedPolicy.env}=fallback (or set it to record)`);
  return out;
}
