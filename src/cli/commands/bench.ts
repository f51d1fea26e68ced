import path from 'node:path';
import { ROOT } from '../../../infra/paths.js';
import { runBench } from '../../../bench/run-bench.js';
import { toMarkdown, writeReport } from '../../../bench/report.js';
import { parseFlags, type Command } from '../command.js';

export const benchCommand: Command = {
  name: 'bench',
  usage: `webex-archiver bench [--messages N] [--users N] [--rooms N] [--seed N] [--latency-seconds N]
                       [--big-item-mb N] [--in-process] [--keep-data]

  Generates an organization in the simulator, pushes it through the real pipeline into Dovecot,
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
      messages: { type: 'string', default: '1500' }, users: { type: 'string', default: '16' }, rooms: { type: 'string', default: '10' },
      seed: { type: 'string', default: '7' }, 'latency-seconds': { type: 'string', default: '60' }, 'big-item-mb': { type: 'string', default: '100' }, 'in-process': { type: 'boolean' }, 'keep-data': { type: 'boolean' },
    });
    const report = await runBench({
      messages: Number(values.messages), users: Number(values.users), rooms: Number(values.rooms), seed: Number(values.seed),
      latencySeconds: Number(values['latency-seconds']), bigItemMb: Number(values['big-item-mb']), inProcess: values['in-process'] === true, keepData: values['keep-data'] === true, progress: (l) => process.stderr.write(`${l}\n`),
    });
    const files = writeReport(report, path.join(ROOT, 'reports'));
    process.stdout.write(toMarkdown(report));
    process.stdout.write(`\nreport: ${files.md}\n        ${files.json}\n`);
    return 0;
  },
};
