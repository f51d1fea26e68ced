import path from 'node:path';
import { ROOT } from '../../../infra/paths.js';
import { runBench } from '../../../bench/run-bench.js';
import { toMarkdown, writeReport } from '../../../bench/report.js';
import { ArchiverError } from '../../errors.js';
import { parseFlags, type Command } from '../command.js';

/**
 * The organizations the bench generates. `large` is the shape issue reports come from: many
 * quiet spaces and a few busy ones (the generator skews messages to a few rooms), hundreds of
 * mailboxes, so the pool, index and blob counts that a small organization never reaches show.
 */
const ORGANIZATIONS = {
  default: { messages: 1500, users: 16, rooms: 10 },
  large: { messages: 50_000, users: 500, rooms: 2_000 },
} as const;

export const benchCommand: Command = {
  name: 'bench',
  usage: `webex-archiver bench [--org default|large] [--messages N] [--users N] [--rooms N] [--seed N]
                       [--latency-seconds N] [--big-item-mb N] [--in-process] [--keep-data]

  Generates an organization in the simulator (--org default: 1,500 messages, 16 people, 10 spaces;
  --org large: 50,000 messages in 2,000 spaces among 500 people, a few busy and many quiet;
  --messages, --users and --rooms override either), pushes it through the real pipeline into Dovecot,
  measures Kafka pass-through, IMAP APPEND and blob upload ceilings with the same clients and files,
  then --latency-seconds (default 60) of live load at half the sustainable rate: capture latency
  (p50/p95/p99) and each process's memory under a steady load.
  First measures the peak-memory cost of one --big-item-mb (default 100, 0 to skip) attachment.
  Processors run as separate processes, as deployed; --in-process runs them all in the bench's
  own process (one event loop), the topology of earlier figures, for before and after.
  Writes reports/bench-<time>.json and .md (and reports/bench-latest.md). The run's topics and blob
  containers are removed at the end (Azurite slows down as it holds more blobs); --keep-data keeps them.`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      org: { type: 'string', default: 'default' }, messages: { type: 'string' }, users: { type: 'string' }, rooms: { type: 'string' },
      seed: { type: 'string', default: '7' }, 'latency-seconds': { type: 'string', default: '60' }, 'big-item-mb': { type: 'string', default: '100' }, 'in-process': { type: 'boolean' }, 'keep-data': { type: 'boolean' },
    });
    const org = ORGANIZATIONS[values.org as keyof typeof ORGANIZATIONS];
    if (!org) throw new ArchiverError('BAD_INPUT', `--org must be one of ${Object.keys(ORGANIZATIONS).join(', ')} (got ${values.org})`);
    const report = await runBench({
      messages: Number(values.messages ?? org.messages), users: Number(values.users ?? org.users), rooms: Number(values.rooms ?? org.rooms), seed: Number(values.seed),
      latencySeconds: Number(values['latency-seconds']), bigItemMb: Number(values['big-item-mb']), inProcess: values['in-process'] === true, keepData: values['keep-data'] === true, progress: (l) => process.stderr.write(`${l}\n`),
    });
    const files = writeReport(report, path.join(ROOT, 'reports'));
    process.stdout.write(toMarkdown(report));
    process.stdout.write(`\nreport: ${files.md}\n        ${files.json}\n`);
    return 0;
  },
};
