/**
 * Secrets of a deployment's own (none of them a development default), for tests whose
 * configuration reaches beyond loopback, where src/config/exposure.ts refuses the defaults.
 */
export const OWN_SECRETS: Record<string, string> = {
  WXA_WEBEX_TOKEN: 'own-webex-compliance-officer-token',
  WXA_WEBHOOK_SECRET: 'own-webhook-secret-of-40-characters-long',
  WXA_OPERATOR_TOKEN: 'own-operator-token-0123456789',
  WXA_BLOB_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=archiveprod;AccountKey=b3duLWFjY291bnQta2V5LW9mLXRoaXMtZGVwbG95bWVudA==;EndpointSuffix=core.windows.net',
  WXA_IMAP_PASSWORD: 'own-imap-master-password',
};

/** What WXA_SINK=graph needs besides (client-credentials flow). */
export const GRAPH_CREDENTIALS: Record<string, string> = {
  WXA_GRAPH_TENANT_ID: 'tenant-1', WXA_GRAPH_CLIENT_ID: 'app-1', WXA_GRAPH_CLIENT_SECRET: 'app-secret-value',
};
