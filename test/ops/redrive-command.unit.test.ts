import { describe, expect, it } from 'vitest';
import { redriveCommand } from '../../src/ops/redrive-command.js';

describe('redrive command line', () => {
  it('names the processor for a dead letter and --parked for a parked task, with the item quoted', () => {
    expect(redriveCommand({ kind: 'failed', processor: 'stage', itemId: 'i1' })).toBe("webex-archiver redrive --processor stage --item 'i1'");
    expect(redriveCommand({ kind: 'parked', processor: 'import', itemId: 'i2' })).toBe("webex-archiver redrive --parked --item 'i2'");
  });

  it('falls back to the Webex message id, then to the processor alone; a quote cannot break out', () => {
    expect(redriveCommand({ kind: 'failed', processor: 'hydrate', itemId: null, webexMessageId: 'm1' })).toBe("webex-archiver redrive --processor hydrate --item 'm1'");
    expect(redriveCommand({ kind: 'failed', processor: 'hydrate', itemId: null, webexMessageId: null })).toBe('webex-archiver redrive --processor hydrate');
    expect(redriveCommand({ kind: 'failed', processor: 'x', itemId: "a'; rm -rf /" })).toBe("webex-archiver redrive --processor x --item 'a; rm -rf /'");
  });
});
