import type { AttachmentRef } from '../kafka/records.js';

/**
 * The text that stands in for an attachment that is not in the email. It names the file, its size
 * and SHA-256, and where the original is kept (container and blob name: never a link, which
 * would be a way into private storage).
 */
export function placeholderText(ref: AttachmentRef): string {
  const why = {
    stripped: 'was removed from this archived item because the item was over the size limit',
    infected: 'was not captured: Webex reported it as infected by malware (410)',
    unscannable: 'was not captured: Webex could not scan it for malware (428)',
    missing: 'was not captured: Webex no longer had it (404)',
    stored: 'is attached',
  }[ref.status];
  const lines = [`The file "${ref.name}" ${why}.`, '', `Name:         ${ref.name}`, `Type:         ${ref.contentType}`];
  if (ref.status === 'stripped') {
    lines.push(`Size:         ${ref.size} bytes`, `SHA-256:      ${ref.sha256}`, `Original in:  blob container "${ref.container}", blob "${ref.blobName}"`);
  }
  return lines.join('\r\n') + '\r\n';
}
