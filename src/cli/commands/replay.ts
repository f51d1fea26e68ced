import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createKafka } from '../../kafka/client.js';
import { createLogger } from '../../log.js';
import { replay } from '../../ops/replay.js';
import { toReplayRequest } from '../../ops/replay-plan.js';
import { STAGE_NAMES } from '../../pipeline/stages.js';
import { parseFlags, type Command } from '../command.js';

export const replayCommand: Command = {
  name: 'replay',
  usage: `webex-archiver replay --processor NAME (--to-earliest | --to-time ISO) [--mailbox M] [--wait SECONDS]

  Moves the committed offsets of NAME's consumer group (${STAGE_NAMES.join(', ')}) on its input
  topic to the earliest retained record, or to the first record written at or after ISO (with
  a zone, e.g. 2026-01-05T09:00:00Z). The group must be idle: stop every "run NAME" instance
  first; replay waits up to --wait seconds (default 120) for it to have no members, printing
  progress, then gives up and says so.

  --mailbox M (only with --processor import): import tasks are keyed by mailbox, so only the
  partition(s) that hold M's key are moved. Other mailboxes that share those partitions are
  checked again too; that is harmless because import looks each Message-ID up before appending.`,

  async run(argv) {
    const { values } = parseFlags(argv, {
      processor: { type: 'string' }, 'to-earliest': { type: 'boolean' }, 'to-time': { type: 'string' },
      mailbox: { type: 'string' }, wait: { type: 'string' },
    });
    const request = toReplayRequest({ processor: values.processor, toEarliest: values['to-earliest'] === true, toTime: values['to-time'], mailbox: values.mailbox });
    const waitSeconds = values.wait === undefined ? 120 : Number(values.wait);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new ArchiverError('BAD_INPUT', '--wait wants a number of seconds');
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    const kafka = createKafka(config, logger, '.replay');
    const result = await replay({ kafka, config, logger }, request, {
      waitTimeoutMs: waitSeconds * 1000,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`replay ${result.processor}: group ${result.groupId} on ${result.topic} moved to ${result.target}${result.mailbox ? ` for mailbox ${result.mailbox}` : ''}\n`);
    for (const p of result.partitions) process.stdout.write(`  partition ${p.partition}: ${p.from ?? 'nothing committed'} -> ${p.to}\n`);
    process.stdout.write(`start the processor again (webex-archiver run ${result.processor}) and the records flow from there.\n`);
    return 0;
  },
};
