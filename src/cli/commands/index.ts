import { STAGE_NAMES } from '../../pipeline/stages.js';
import type { Command } from '../command.js';

/**
 * The command table. Modules load on demand so `--help` and light commands start fast and do
 * not pull in Kafka, the blob SDK or the simulator.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
  /**
   * Files (relative to the repository root) the command needs beyond src/. The production image
   * leaves out the benchmark and the local servers' build (Dockerfile), so there these commands
   * are not offered (src/cli/availability.ts).
   */
  needs?: string[];
}

export const COMMANDS: CommandEntry[] = [
  { name: 'demo', summary: 'the main job (npm start): local servers, a simulated Webex org, every processor, a Maildir archive', load: async () => (await import('./demo.js')).demoCommand, needs: ['infra/index.ts'] },
  { name: 'infra', summary: 'start, stop or check the local Kafka, schema registry, Azurite and Dovecot', load: async () => (await import('./infra.js')).infraCommand, needs: ['infra/index.ts'] },
  { name: 'run', summary: `run processors: ${STAGE_NAMES.join(' ')}, or all`, load: async () => (await import('./run.js')).runCommand },
  { name: 'receiver', summary: 'the webhook receiver, with health, readiness, metrics and the operator dashboard', load: async () => (await import('./receiver.js')).receiverCommand },
  {
    name: 'simulator',
    summary: 'a local Webex API simulator (fixture or seeded org), for tests, demos and benchmarks',
    load: async () => {
      const { simulatorCommand, SIMULATOR_USAGE } = await import('../../simulator/cli.js');
      return { name: 'simulator', usage: SIMULATOR_USAGE, run: (argv: string[]) => simulatorCommand(argv) };
    },
  },
  { name: 'status', summary: "consumer lag per processor, crawler progress, today's outcomes; --log for the daily status log", load: async () => (await import('./status.js')).statusCommand },
  { name: 'trace', summary: "where one Webex message is: every version stage by stage, its staged blob, each mailbox's outcome", load: async () => (await import('./trace.js')).traceCommand },
  { name: 'replay', summary: "move a processor's consumer group to the earliest offset or a time, so records flow again", load: async () => (await import('./replay.js')).replayCommand },
  { name: 'redrive', summary: 'send dead letters (or parked import tasks, --parked) back to the topic they came from, once the cause is fixed', load: async () => (await import('./redrive.js')).redriveCommand },
  { name: 'crawl', summary: 'reconciliation crawl from the Events API checkpoint; --since backfills; --schedule daily', load: async () => (await import('./crawl.js')).crawlCommand },
  { name: 'transcript', summary: 'transcript mode: one email per room per closed UTC day (--day DAY, or --schedule daily)', load: async () => (await import('./transcript.js')).transcriptCommand },
  { name: 'rsmf', summary: 'RSMF export for eDiscovery: one .rsmf per conversation per UTC day (--from/--to, or --schedule daily)', load: async () => (await import('./rsmf.js')).rsmfCommand },
  { name: 'webhooks', summary: 'register, list or repair (re-activate) the Webex webhooks', load: async () => (await import('./webhooks.js')).webhooksCommand },
  { name: 'bench', summary: 'benchmark the real pipeline with ratios to raw ceilings measured in the same run', load: async () => (await import('./bench.js')).benchCommand, needs: ['bench/run-bench.ts'] },
  { name: 'soak', summary: 'fault soak: live load under SIGKILLs, a broker restart, storage and IMAP outages, 429 storms; then exactly-once is checked', load: async () => (await import('./soak.js')).soakCommand, needs: ['bench/soak.ts'] },
  { name: 'config', summary: 'print the effective configuration (secrets redacted), or --docs', load: async () => (await import('./config.js')).configCommand },
];
