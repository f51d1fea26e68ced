import { describe, expect, it } from 'vitest';
import { cpuPerItem } from '../../bench/report.js';
import { treeCpuSeconds } from '../../bench/machine-cpu.js';

describe('cpuPerItem (the bench report\'s CPU table)', () => {
  it('turns each process\'s share of one core over the phase into milliseconds per version and per mailbox item, with a total', () => {
    const rows = cpuPerItem({
      endToEnd: { ms: 10_000, versions: 100, mailboxItems: 400, messagesPerSecond: 10, itemsPerSecond: 40 },
      processes: [
        { name: 'stage', cpuPercent: 20, peakRssMb: 0, rssGrowthMb: 0, steadyGrowthMb: 0 },
        { name: 'hydrate', cpuPercent: Number.NaN, peakRssMb: 0, rssGrowthMb: 0, steadyGrowthMb: 0 },
      ],
      machine: { machineBusyPercent: 90, cores: 2, servers: [{ name: 'dovecot', cpuPercent: 40 }] },
    });
    expect(rows).toEqual([
      { name: 'stage', cpuMs: 2000, perVersionMs: 20, perItemMs: 5 },
      { name: 'dovecot', cpuMs: 4000, perVersionMs: 40, perItemMs: 10 },
      { name: 'all of the above', cpuMs: 6000, perVersionMs: 60, perItemMs: 15 },
    ]);
  });
  it('is empty when nothing was measured per process', () => {
    expect(cpuPerItem({ endToEnd: { ms: 1, versions: 0, mailboxItems: 0, messagesPerSecond: 0, itemsPerSecond: 0 }, processes: [], machine: { machineBusyPercent: 0, cores: 2, servers: [] } })).toEqual([]);
  });
});

describe('treeCpuSeconds (servers with child processes, such as Dovecot)', () => {
  it('adds the reaped children and every live descendant to the process\'s own CPU', () => {
    const procs = new Map([
      [10, { ppid: 1, own: 1, reaped: 5 }],
      [11, { ppid: 10, own: 2, reaped: 0 }],
      [12, { ppid: 11, own: 0.5, reaped: 0.25 }],
      [20, { ppid: 1, own: 100, reaped: 0 }],
    ]);
    expect(treeCpuSeconds(10, procs)).toBe(8.75);
    expect(treeCpuSeconds(99, procs)).toBe(0);
  });
});
