import { destination } from 'pino';
import { createBlobStore } from '../../blob/store.js';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createKafka } from '../../kafka/client.js';
import { createSerde } from '../../kafka/serde.js';
import { createLogger } from '../../log.js';
import { formatTrace } from '../../ops/trace-format.js';
import { readTrace } from '../../ops/trace-read.js';
import { parseFlags, type Command } from '../command.js';

export const traceCommand: Command = {
  name: 'trace',
  usage: `webex-archiver trace <webex message id | item id> [--json]

  Follows one Webex message through the pipeline, from Kafka and blob storage only (never Webex):
  its webhook deliveries, then per version (created, each edit, the deletion) the topic, partition
  and offset it reached at each stage and whether the next processor has committed past it, the
  size decision, the .eml it was staged as (size and SHA-256, checked again in blob storage), and
  for each mailbox the import task and the outcome (imported, duplicate, partial, parked, failed,
  with reason and time), plus rejected or unmapped outcomes and dead letters. An item id traces
  the whole message it is a version of. Ids, sizes, hashes and outcomes only: never message text.

  It reads every topic from its earliest retained record to the end offsets of the moment, so one
  query costs one full read of the pipeline's topics (bounded by their retention). --json prints
  the same as JSON. Exit 0 when found, 1 when nothing names the id.`,

  async run(argv) {
    const { values, positionals } = parseFlags(argv, { json: { type: 'boolean' } }, true);
    if (positionals.length !== 1 || !positionals[0]) throw new ArchiverError('BAD_INPUT', 'trace wants one id: a Webex message id or an item id');
    const config = loadConfig();
    // Logs go to stderr so that stdout stays the report alone.
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: destination(2) });
    const report = await readTrace({ kafka: createKafka(config, logger, '.trace'), serde: createSerde(config), blob: createBlobStore(config), config }, positionals[0]);
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatTrace(report));
    return report.found ? 0 : 1;
  },
};
