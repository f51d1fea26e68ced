import { createHash } from 'node:crypto';
import type { SliceHeader } from './eml.js';

/** `2026-01-05/webex-<room hash>-2026-01-05-1of1.rsmf`: sortable, safe on any file system. */
export function rsmfFileName(s: Pick<SliceHeader, 'roomId' | 'day' | 'index' | 'count'>): string {
  const room = createHash('sha256').update(s.roomId).digest('hex').slice(0, 16);
  return `${s.day}/webex-${room}-${s.day}-${s.index}of${s.count}.rsmf`;
}
