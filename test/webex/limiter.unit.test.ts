import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/webex/limiter.js';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('createLimiter', () => {
  it('never lets more than max run, and serves waiters in arrival order', async () => {
    const limiter = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => gates.push(r));
        running -= 1;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.inFlight).toBe(2);
    expect(limiter.queued).toBe(4);
    while (gates.length > 0) {
      gates.shift()!();
      await tick();
    }
    await Promise.all(jobs);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(2);
    expect(limiter.inFlight).toBe(0);
  });

  it('gives the slot back when the job throws; release is idempotent', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => {
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.inFlight).toBe(0);
    const again = await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
    again();
  });

  it('a newcomer cannot jump the queue when a slot frees', async () => {
    const limiter = createLimiter(1);
    const first = await limiter.acquire();
    const order: string[] = [];
    const waiting = limiter.acquire().then((r) => {
      order.push('waiter');
      return r;
    });
    first();
    const late = limiter.acquire().then((r) => {
      order.push('late');
      r();
    });
    (await waiting)();
    await late;
    expect(order).toEqual(['waiter', 'late']);
  });

  it('an aborted waiter leaves the queue', async () => {
    const limiter = createLimiter(1);
    const held = await limiter.acquire();
    const ctrl = new AbortController();
    const p = limiter.acquire(ctrl.signal);
    expect(limiter.queued).toBe(1);
    ctrl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    expect(limiter.queued).toBe(0);
    held();
    expect(limiter.inFlight).toBe(0);
  });

  it('rejects a bad max', () => {
    expect(() => createLimiter(0)).toThrow(/max in flight/);
  });
});
