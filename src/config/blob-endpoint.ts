/**
 * The blob service host an Azure Storage connection string points at, as the SDK resolves it:
 * `BlobEndpoint` when given, the local emulator for `UseDevelopmentStorage=true`, else
 * `<AccountName>.blob.<EndpointSuffix>` (default core.windows.net). See "Configure Azure Storage
 * connection strings", https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string.
 * undefined: not a connection string the SDK can use.
 */
export function blobEndpointHost(connectionString: string): string | undefined {
  const fields = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const eq = part.indexOf('=');
    // Values such as AccountKey are base64 and may contain "=": split at the first one only.
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const endpoint = fields.get('blobendpoint');
  if (endpoint) {
    try { return new URL(endpoint).hostname; } catch { return undefined; }
  }
  if (fields.get('usedevelopmentstorage')?.toLowerCase() === 'true') return '127.0.0.1';
  const account = fields.get('accountname');
  if (account) return `${account}.blob.${fields.get('endpointsuffix') ?? 'core.windows.net'}`;
  return undefined;
}
