import { createHash } from 'node:crypto';

/**
 * Webex-format ids: base64url without padding of `ciscospark://us/<TYPE>/<uuid>` (docs/webex-api.md §0,
 * decoded from documented examples). The uuid is derived from a stable name (the fixture key or a
 * counter), so the same fixture always yields the same ids, run after run.
 */
export type IdType = 'PEOPLE' | 'ROOM' | 'TEAM' | 'MESSAGE' | 'MEMBERSHIP' | 'CONTENT' | 'WEBHOOK' | 'EVENT' | 'ORGANIZATION' | 'APPLICATION' | 'CLASSIFICATION' | 'ATTACHMENT_ACTION' | 'MEETING_MESSAGE';

/** A name-based uuid (RFC 4122 version 5 layout over SHA-1), so it looks like the real thing. */
export function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function encodeId(type: IdType, rest: string): string {
  return Buffer.from(`ciscospark://us/${type}/${rest}`, 'utf8').toString('base64url');
}

/** Returns `{type, rest}` for a Webex id, or undefined when it is not one. */
export function decodeId(id: string): { type: string; rest: string } | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) return undefined;
  const m = /^ciscospark:\/\/[a-z0-9]+\/([A-Z_]+)\/(.+)$/.exec(Buffer.from(id, 'base64url').toString('utf8'));
  return m ? { type: m[1]!, rest: m[2]! } : undefined;
}

/** The envelope `orgId` is a bare base64 of the uuid with no prefix (docs/webex-api.md §0). */
export function bareOrgId(uuid: string): string {
  return Buffer.from(uuid, 'utf8').toString('base64url');
}

/** Membership ids join the person and room uuids (docs/webex-api.md §0: `MEMBERSHIP/<personUuid>:<roomUuid>`). */
export function membershipId(personUuid: string, roomUuid: string): string {
  return encodeId('MEMBERSHIP', `${personUuid}:${roomUuid}`);
}

/** File ids are `CONTENT/<messageUuid>/<index>` (docs/webex-api.md §0). */
export function contentId(messageUuid: string, index: number): string {
  return encodeId('CONTENT', `${messageUuid}/${index}`);
}
