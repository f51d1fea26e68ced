import { readFileSync } from 'node:fs';
import { pidFile, readPid } from '../infra/process.js';
import { cpuSeconds } from './supervisor.js';

/**
 * Where the cores went during a phase: the whole machine's busy share (proc(5) /proc/stat) and the
 * CPU of the local servers we started (Kafka, the registry, Azurite; Dovecot's work happens in
 * short-lived imap children, so it shows only in the machine total).
 */
export interface CpuSnapshot { at: number; busy: number; total: number; servers: Map<string, number> }

export function cpuSnapshot(): CpuSnapshot {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  const servers = new Map<string, number>();
  for (const name of ['kafka', 'registry', 'azurite']) {
    const pid = readPid(pidFile(name));
    if (pid !== undefined) servers.set(name, cpuSeconds(pid));
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
