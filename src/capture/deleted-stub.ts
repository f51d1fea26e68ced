import type { RoomType } from '../webex/types.js';
import type { WxMessage } from './webex-reader.js';

/**
 * A deleted message as its notice describes it: the `data` of a `messages`/`deleted` webhook or of
 * a deletion event from the Events API. Both carry ids only (docs/webex-api.md §1 and §4), no
 * content. Capture archives the deletion from this stub when even a Compliance Officer can no
 * longer read the message; null when the notice lacks an id the email needs (message, room,
 * sender), which the caller treats as a failure of that one item, never as nothing to archive.
 */
export function deletedMessageStub(data: Record<string, unknown>, createdFallback: string): WxMessage | null {
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : undefined);
  const id = str('id'), roomId = str('roomId'), personId = str('personId'), personEmail = str('personEmail');
  if (!id || !roomId || !personId || !personEmail) return null;
  const roomType = str('roomType');
  return {
    id, roomId, personId, personEmail,
    roomType: roomType === 'direct' || roomType === 'group' ? (roomType as RoomType) : undefined,
    created: str('created') ?? createdFallback,
  };
}
