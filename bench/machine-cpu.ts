import { readdirSync, readFileSync } from 'node:fs';
import { pidFile, readPid } from '../infra/process.js';

/**
 * Where the cores went during a phase: the whole machine's busy share (proc(5) /proc/stat) and the
 * CPU of the local servers we started (Kafka, the registry, Azurite, Dovecot), each with its
 * children: Dovecot's work happens in its imap and auth children, which the master reaps.
 */
export interface CpuSnapshot { at: number; busy: number; total: number; servers: Map<string, number> }

export function cpuSnapshot(): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  const servers = new Map<string, number>();
  const parents = processParents();
  for (const name of SERVERS) {
    const pid = readPid(pidFile(name));
    if (pid !== undefined) servers.set(name, treeCpuSeconds(pid, parents));
  }
  return { at: Date.now(), busy: total - idle, total, servers };
}

/** Busy share of all cores, and each server's CPU as % of one core, between two snapshots. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): { machineBusyPercent: number; cores: number; servers: { name: string; cpuPercent: number }[] } {
  const seconds = Math.max(0.001, (b.at - a.at) / 1000);
  return {
    machineBusyPercent: b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : 0,
    cores: (readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm) ?? []).length,
    servers: [...b.servers].map(([name, cpu]) => ({ name, cpuPercent: ((cpu - (a.servers.get(name) ?? cpu)) / seconds) * 100 })),
  };
}

const SERVERS = ['kafka', 'registry', 'azurite', 'dovecot'] as const;

interface ProcStat { ppid: number; own: number; reaped: number }

/** Every live process's parent and CPU seconds (proc(5) /proc/<pid>/stat: utime, stime; cutime, cstime of reaped children). */
function processParents(): Map<number, ProcStat> {
  const out = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / 100, reaped: (Number(f[13]) + Number(f[14])) / 100 });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** A process's CPU with its children's: its own, its reaped children's, and its live descendants'. */
export function treeCpuSeconds(pid: number, procs: Map<number, ProcStat>): number {
  const me = procs.get(pid);
  if (!me) return 0;
  let total = me.own + me.reaped;
  for (const [child, p] of procs) if (p.ppid === pid && child !== pid) total += treeCpuSeconds(child, procs);
  return total;
}
