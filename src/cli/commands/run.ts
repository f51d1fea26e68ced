import { PROCESSOR_NAMES, createProcessor, type ProcessorName } from '../../../processors/index.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { runProcessor } from '../../kafka/runner.js';
import { createRuntime } from '../../runtime.js';
import type { MailboxSink } from '../../sinks/sink.js';
import { parseFlags, type Command } from '../command.js';
import { onShutdown, untilShutdown } from '../lifecycle.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run processors: hydrate convert dedupe limit stage route import, or all',
  usage: `webex-archiver run <processor...|all>

  Each processor is its own consumer group; run more instances of one to scale it out.
  Stops cleanly on SIGINT/SIGTERM (the current batch finishes and is committed).
  Processors: ${PROCESSOR_NAMES.join(', ')}`,

  async run(argv) {
    const { positionals } = parseFlags(argv, {}, true);
    const names = parseProcessorNames(positionals);
    const config = loadConfig();
    const rt = await createRuntime(config);
    onShutdown('runtime', () => rt.close());
    let sink: Promise<MailboxSink> | undefined;
    const deps = {
      ...rt,
      sink: () => (sink ??= import('../../sinks/sink.js').then((m) => m.createSink(config, rt.logger))),
    };
    onShutdown('sink', async () => { if (sink) await (await sink).close(); });
    for (const name of names) {
      const spec = await createProcessor(name, deps);
      const running = await runProcessor(spec, rt);
      onShutdown(name, () => running.stop());
      rt.logger.info({ processor: name }, 'processor running');
    }
    process.stderr.write(`running: ${names.join(', ')} (Ctrl-C to stop)\n`);
    await untilShutdown();
  },
};

export function parseProcessorNames(args: string[]): ProcessorName[] {
  if (args.length === 0) throw new ArchiverError('BAD_INPUT', `name at least one processor (${PROCESSOR_NAMES.join(', ')}) or all`);
  if (args.includes('all')) return [...PROCESSOR_NAMES];
  for (const a of args) {
    if (!(PROCESSOR_NAMES as readonly string[]).includes(a)) throw new ArchiverError('BAD_INPUT', `unknown processor "${a}" (expected ${PROCESSOR_NAMES.join(', ')} or all)`);
  }
  return args as ProcessorName[];
}
