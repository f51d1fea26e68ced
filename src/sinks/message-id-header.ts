/**
 * The Message-ID of a raw header block (what IMAP returns for BODY.PEEK[HEADER.FIELDS
 * (MESSAGE-ID)]): unfolded (RFC 5322 §2.2.3), the first `<...>` msg-id (§3.6.4), or the bare
 * value when a sender wrote one without angle brackets. Undefined when there is none.
 */
export function messageIdOfHeaders(headers: Buffer | string | undefined): string | undefined {
  if (!headers) return undefined;
  const text = headers.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id[ \t]*:[ \t]*(.*)$/im.exec(text);
  if (!line) return undefined;
  const value = line[1]!.trim();
  const bracketed = /<[^<>\s]+>/.exec(value);
  return bracketed ? bracketed[0] : value || undefined;
}

/** Message-IDs compare with their angle brackets, whatever the caller wrote. */
export function normalizeMessageId(id: string): string {
  const t = id.trim();
  return t.startsWith('<') ? t : `<${t}>`;
}
