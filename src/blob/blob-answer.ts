import { RestError } from '@azure/storage-blob';
import { ArchiverError } from '../errors.js';

/**
 * What an Azure Blob Storage answer means for us, decided by its status and `x-ms-error-code`
 * (learn.microsoft.com/rest/api/storageservices/blob-service-error-codes and
 * common-rest-api-error-codes), never by the message; docs/failure-answers.md, Azure Blob.
 */
const AUTH_CODES = new Set(['AuthenticationFailed', 'AuthorizationFailure', 'AuthorizationPermissionMismatch', 'AuthorizationPermissionMismatchError', 'InvalidAuthenticationInfo', 'AccountIsDisabled', 'InsufficientAccountPermissions', 'AuthorizationSourceIPMismatch', 'AuthorizationProtocolMismatch']);

function codeOf(err: unknown): { status: number; code: string | undefined } | undefined {
  if (!(err instanceof RestError)) return undefined;
  return { status: err.statusCode ?? 0, code: err.code ?? (err.details as { errorCode?: string } | undefined)?.errorCode };
}

/** 404 ContainerNotFound: the container is missing (create it, then retry). */
export function isContainerMissing(err: unknown): boolean {
  const c = codeOf(err);
  return !!c && c.status === 404 && c.code === 'ContainerNotFound';
}

/** A "create if absent" that found the blob there: 409 BlobAlreadyExists or 412 ConditionNotMet. */
export function isAlreadyThere(err: unknown): boolean {
  const c = codeOf(err);
  return !!c && ((c.status === 409 && c.code === 'BlobAlreadyExists') || (c.status === 412 && (c.code === 'ConditionNotMet' || c.code === undefined)));
}

export function classifyBlobAnswer(what: string, err: unknown): ArchiverError {
  if (err instanceof ArchiverError) return err;
  const c = codeOf(err);
  if (c) {
    const label = `blob ${what}: ${c.status} ${c.code ?? ''}`.trim();
    // Our key, SAS or role is refused: every item would fail alike, so the work pauses and alerts.
    if (c.status === 401 || (c.status === 403 && (c.code === undefined || AUTH_CODES.has(c.code)))) return new ArchiverError('AUTH_FAILED', label, { cause: err });
    if (c.status === 404) return new ArchiverError('NOT_FOUND', label, { cause: err });
    if (c.status === 429 || c.status === 503) return new ArchiverError('RATE_LIMITED', label, { cause: err, retryAfterSeconds: 1 });
    if (c.status >= 500 || c.status === 408 || c.status === 409 || c.status === 412) return new ArchiverError('UNAVAILABLE', label, { cause: err });
    if (c.status >= 400) return new ArchiverError('REJECTED', label, { cause: err });
  }
  // No answer within the deadline, a reset connection: unknown, so retry.
  return new ArchiverError('UNAVAILABLE', `blob ${what}: ${(err as Error).message}`, { cause: err });
}
