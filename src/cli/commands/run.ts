import { STAGE_NAMES, type StageName } from '../../pipeline/stages.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { startService } from '../../service/service.js';
import { parseFlags, type Command } from '../command.js';
import { exitAfterShutdown, onShutdown, untilShutdown } from '../lifecycle.js';

export const runCommand: Command = {
  name: 'run',
  usage: `webex-archiver run <processor...|all> [--with-receiver]

  Each processor is its own consumer group; run more instances of one to scale it out.
  --with-receiver also serves the receiver, /metrics and the dashboard in this process.
  Without it, this process's own /metrics (records processed and failed, Webex requests, retries
  and 429s) is served alone on WXA_METRICS_HOST:WXA_METRICS_PORT for Prometheus to scrape.
  Stops cleanly on SIGINT/SIGTERM (the current chunk finishes and is committed), also one that
  arrives during start-up, and exits 0. Exits 1 when a processor stops consuming for good (its
  consumer crashed on an error kafkajs does not restart after): restart the process; what was not
  committed is processed again, and the idempotent effects make that safe.
  Processors: ${STAGE_NAMES.join(', ')}`,

  async run(argv) {
    const { values, positionals } = parseFlags(argv, { 'with-receiver': { type: 'boolean' } }, true);
    const names = parseProcessorNames(positionals);
    const withReceiver = values['with-receiver'] === true;
    const config = loadConfig();
    // The stopper is registered in the same tick as start-up begins, before its first await: a
    // SIGTERM during start-up (the consumer may already have joined its group) then waits for the
    // start to finish and stops cleanly, leaving the group, instead of meeting Node's default
    // handler, which kills the process and leaves the group waiting out the 30 s session timeout.
    const starting = startService(config, { processors: names, receiver: withReceiver, metricsListener: !withReceiver });
    onShutdown('service', () => starting.then((s) => s.stop(), () => undefined));
    process.stderr.write(`starting: ${names.join(', ')}\n`);
    const service = await starting;
    process.stderr.write(`running: ${names.join(', ')}${service.url ? ` (receiver ${service.url})` : ''}, metrics ${service.metricsUrl} (Ctrl-C to stop)\n`);
    const failure = await Promise.race([untilShutdown().then(() => undefined), service.failed]);
    if (!failure) return 0;
    process.stderr.write(`webex-archiver run: processor ${failure.processor} stopped consuming (${failure.error.code}: ${failure.error.message}); exiting 1 so that the process is restarted\n`);
    return exitAfterShutdown(1);
  },
};

export function parseProcessorNames(args: string[]): StageName[] {
  if (args.length === 0) throw new ArchiverError('BAD_INPUT', `name at least one processor (${STAGE_NAMES.join(', ')}) or all`);
  if (args.includes('all')) return [...STAGE_NAMES];
  for (const a of args) {
    if (!(STAGE_NAMES as readonly string[]).includes(a)) throw new ArchiverError('BAD_INPUT', `unknown processor "${a}" (expected ${STAGE_NAMES.join(', ')} or all)`);
  }
  return args as StageName[];
}
