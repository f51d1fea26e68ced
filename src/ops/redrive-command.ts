/**
 * The `webex-archiver redrive` command line that brings one item back (docs/operations.md, "Items
 * that cannot be archived now"): a dead-lettered (`failed`) record to the processor that gave up,
 * or a `parked` import task. `--item` matches an item id or a Webex message id; without either
 * the command names the processor's dead letters. Ids are Webex base64 or ours; quoted anyway.
 */
export function redriveCommand(r: { kind: 'failed' | 'parked'; processor: string; itemId: string | null; webexMessageId?: string | null }): string {
  const id = (r.itemId || r.webexMessageId || '').replace(/'/g, '');
  if (r.kind === 'parked') return `webex-archiver redrive --parked${id ? ` --item '${id}'` : ''}`;
  return `webex-archiver redrive --processor ${r.processor}${id ? ` --item '${id}'` : ''}`;
}
