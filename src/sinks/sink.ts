import type { Readable } from 'node:stream';

/**
 * Where archived items land. The contract is idempotency: `importItem` looks the Message-ID up
 * first and reports `duplicate` instead of storing a second copy, so replays and redeliveries are
 * harmless. Failures are ArchiverErrors whose `retriable` flag tells the runner what to do.
 */
export interface ImportRequest {
  mailbox: string;
  folder: string;
  messageId: string;
  date: Date;
  size: number;
  open: () => Promise<Readable>;
}

export interface MailboxSink {
  name: string;
  importItem(item: ImportRequest): Promise<{ status: 'imported' | 'duplicate'; ref?: string }>;
  countItems?(mailbox: string, folder: string): Promise<number>;
  close(): Promise<void>;
}
