import { describe, expect, it } from 'vitest';
import { startProgressWatchdog } from '../../src/kafka/progress-watchdog.js';

describe('startProgressWatchdog', () => {
  it('fires once when nothing happened for staleMs, not while signs of life keep coming', () => {
    let t = 0;
    const stale: number[] = [];
    const w = startProgressWatchdog({ staleMs: 1000, checkEveryMs: 60_000, now: () => t, onStale: (ms) => stale.push(ms) });
    try {
      for (t = 0; t <= 5000; t += 400) { w.alive(); w.check(); }
      w.alive();
      expect(stale).toEqual([]);
      t += 999; w.check();
      expect(stale).toEqual([]);
      t += 1; w.check();
      expect(stale).toEqual([1000]);
      t += 5000; w.check();
      expect(stale).toHaveLength(1);
    } finally {
      w.stop();
    }
  });
});
