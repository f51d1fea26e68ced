import { setTimeout as sleep } from 'node:timers/promises';
import { restartDovecotKeepingMail } from '../infra/dovecot.js';
import { restartKafkaKeepingData } from '../infra/kafka.js';
import { isAlive, pidFile, readPid } from '../infra/process.js';
import type { WebexSimulator } from '../src/simulator/index.js';

/**
 * The infrastructure faults of the soak, each a real event on a real server we started:
 * - the broker restarted (controlled shutdown, same storage), as in a rolling upgrade;
 * - Azurite frozen with SIGSTOP: Azurite keeps blobs in memory, so stopping it would be data
 *   loss, not an outage; a frozen process is the harsher case anyway (connections hang instead
 *   of being refused, until the SDK's timeouts and our retries take over);
 * - Dovecot stopped and started again on the same mail store (connections refused meanwhile);
 * - a 429 storm at the simulated Webex, with Retry-After.
 */
export const FAULT_KEYS = ['kills', 'storm', 'broker', 'azurite', 'dovecot'] as const;
export type FaultKey = (typeof FAULT_KEYS)[number];

export interface SoakFault { key: FaultKey; name: string; atFraction: number; run(): Promise<string> }

export function soakFaults(sim: WebexSimulator, say: (line: string) => void, only: ReadonlySet<FaultKey>): SoakFault[] {
  const all: SoakFault[] = [
    {
      key: 'storm', name: 'webex 429 storm', atFraction: 0.15,
      async run() {
        sim.faults.set({ storm: { probability: 0.5, retryAfter: 1 } });
        await sleep(15_000);
        sim.faults.set({ storm: null });
        return 'half of all Webex requests answered 429 (Retry-After: 1) for 15 s';
      },
    },
    {
      key: 'broker', name: 'kafka broker restart', atFraction: 0.35,
      async run() {
        const t0 = Date.now();
        await restartKafkaKeepingData((l) => say(`    ${l}`));
        return `broker stopped and back in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
      },
    },
    {
      key: 'azurite', name: 'azurite frozen', atFraction: 0.55,
      async run() {
        const pid = readPid(pidFile('azurite'));
        if (pid === undefined || !isAlive(pid)) throw new Error('azurite: not started by this project; cannot freeze it');
        process.kill(pid, 'SIGSTOP');
        try { await sleep(10_000); } finally { process.kill(pid, 'SIGCONT'); }
        return 'blob service frozen (SIGSTOP) for 10 s';
      },
    },
    {
      key: 'dovecot', name: 'dovecot outage', atFraction: 0.75,
      async run() {
        await restartDovecotKeepingMail(8_000, (l) => say(`    ${l}`));
        return 'IMAP down (connections refused) for 8 s, same mail store after';
      },
    },
  ];
  return all.filter((f) => only.has(f.key));
}
