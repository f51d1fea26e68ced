import { writeFileSync } from 'node:fs';
import { destination } from 'pino';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createKafka } from '../../kafka/client.js';
import { createSerde } from '../../kafka/serde.js';
import { createLogger } from '../../log.js';
import { formatStatus } from '../../ops/status.js';
import { statusLogCsv, statusLogJson } from '../../ops/status-log-format.js';
import { readDailyLog } from '../../ops/status-log-read.js';
import { collectStatus } from '../../ops/status-report.js';
import { parseFlags, type Command } from '../command.js';

export const statusCommand: Command = {
  name: 'status',
  usage: `webex-archiver status [--json] [--brief]
webex-archiver status --log [--since YYYY-MM-DD] [--format csv|json] [--out FILE]

  Per processor: its consumer group's state and members, committed and end offsets and lag per
  partition (lag = end - committed, or end - earliest when nothing is committed), and when it
  last committed (the time the runner writes into each commit). Then the crawler's checkpoint
  and last run, and today's outcome counts (UTC day). --json prints the same as JSON.

  --log writes the daily status log, one day per summary row from --since (default today) to
  today: available, fanned out, imported, partial, skipped (duplicate), failed, pending, rejected,
  unmapped, then one row per failed, rejected or unmapped item (ids, mailbox, reason; never
  message text). See docs/operations.md for the definitions. Read-only: it creates nothing.`,

  async run(argv) {
    const { values } = parseFlags(argv, {
      json: { type: 'boolean' }, brief: { type: 'boolean' }, log: { type: 'boolean' },
      since: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
    });
    if (!values.log && (values.since || values.format || values.out)) throw new ArchiverError('BAD_INPUT', '--since, --format and --out go with --log');
    const format = values.format ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new ArchiverError('BAD_INPUT', '--format must be csv or json');
    if (values.since && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) throw new ArchiverError('BAD_INPUT', '--since wants a day, YYYY-MM-DD (UTC)');
    const config = loadConfig();
    // Logs go to stderr so that stdout stays the report (or the CSV) alone.
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: destination(2) });
    const kafka = createKafka(config, logger, '.status');
    const serde = createSerde(config);
    const deps = { kafka, serde, config };
    if (values.log) {
      let text: string;
      try {
        const log = await readDailyLog(deps, { ...(values.since ? { sinceDay: values.since } : {}) });
        text = format === 'csv' ? statusLogCsv(log) : statusLogJson(log);
      } catch (err) {
        if (err instanceof RangeError) throw new ArchiverError('BAD_INPUT', err.message);
        throw err;
      }
      if (values.out) { writeFileSync(values.out, text); process.stderr.write(`status log written to ${values.out}\n`); } else process.stdout.write(text);
      return 0;
    }
    const report = await collectStatus(deps);
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatStatus(report, { partitions: !values.brief }));
    return 0;
  },
};
