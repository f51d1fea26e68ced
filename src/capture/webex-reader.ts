import type { Readable } from 'node:stream';

/**
 * What capture needs from Webex, and nothing more. The REST client implements it
 * (src/capture/webex-reader-client.ts); field names are Webex's own (official OpenAPI spec).
 */
export interface WxMessage {
  id: string;
  roomId: string;
  roomType?: string;
  parentId?: string;
  personId: string;
  personEmail: string;
  text?: string;
  markdown?: string;
  html?: string;
  files?: string[];
  mentionedPeople?: string[];
  created: string;
  updated?: string;
  isVoiceClip?: boolean;
  /** Adaptive Cards: `{contentType: 'application/vnd.microsoft.card.adaptive', content}`. */
  attachments?: { contentType: string; content: unknown }[];
}

export interface WxRoom { id: string; title?: string; type: string; teamId?: string; created: string }
export interface WxTeam { id: string; name?: string }
export interface WxMembership { personId: string; personEmail: string; personDisplayName?: string; created?: string }
export interface WxPerson { id: string; emails?: string[]; displayName?: string }
export interface WxAttachmentAction { id: string; type?: string; messageId: string; inputs?: Record<string, unknown>; personId: string; roomId: string; created: string }
export interface WxFile { name: string; contentType: string; body: Readable }

export interface WebexReader {
  /** `retryNotFound`: REST can lag a webhook by seconds; a 404 just after one is retried. */
  getMessage(id: string, opts?: { retryNotFound?: number }): Promise<WxMessage>;
  getRoom(id: string): Promise<WxRoom>;
  getTeam(id: string): Promise<WxTeam>;
  listMemberships(roomId: string): Promise<WxMembership[]>;
  getPerson(id: string): Promise<WxPerson>;
  /** A card submission (GET /attachment/actions/{id}); optional so readers without cards still fit. */
  getAttachmentAction?(id: string, opts?: { retryNotFound?: number }): Promise<WxAttachmentAction>;
  /** Streams a file; throws ArchiverError GONE (410 infected), NOT_FOUND, or FORBIDDEN with reason 'unscannable' (428). */
  openFile(url: string): Promise<WxFile>;
}
