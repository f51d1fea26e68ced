import { destination } from 'pino';
import { loadConfig } from '../../config/load.js';
import { ArchiverError } from '../../errors.js';
import { createKafka } from '../../kafka/client.js';
import { createPublisher } from '../../kafka/publisher.js';
import { createSerde } from '../../kafka/serde.js';
import { ensureTopics } from '../../kafka/topics.js';
import { createLogger } from '../../log.js';
import { awaitFate, planRedrive, sendBack } from '../../ops/redrive.js';
import { describeCandidate, parseSince, type RedriveFilter } from '../../ops/redrive-plan.js';
import { STAGES, STAGE_NAMES } from '../../pipeline/stages.js';
import { retryConsumers } from '../../processors/import/retry.js';
import { parseFlags, type Command } from '../command.js';
import { progressLine } from '../progress.js';

export const redriveCommand: Command = {
  name: 'redrive',
  usage: `webex-archiver redrive [--parked] [--processor NAME] [--since DAY|ISO] [--code CODE] [--item ID]
                        [--dry-run] [--wait SECONDS]

  Reads webex.dead-letter.v1 (with --parked: the import tasks still waiting on
  webex.imports.retry-1/2/3.v1) and sends each matching record back to the topic it came from,
  with its original key and bytes, so the processor that gave up tries it again. Fix the cause
  first (a mailbox's permissions, the user map, a bad deployment): a record that fails again
  becomes a new dead letter, counted in the status log like the first.

  --processor NAME   only what NAME dead-lettered (hydrate, convert, dedupe, limit, stage, route, import)
  --since DAY|ISO    only dead letters written from then on (YYYY-MM-DD is a UTC day)
  --code CODE        only this error code (BAD_RECORD, BAD_INPUT, NOT_FOUND, FORBIDDEN, ...)
  --item ID          only this item: its item id, Webex message id, or the dead letter's topic:partition:offset
  --dry-run          list what would go back, send nothing (do this first)
  --wait SECONDS     after sending, wait up to this long for the items' outcomes (default 30; 0: do not wait)

  Twice is harmless: every record sent back is noted in webex.redrive.ledger.v1 after the broker
  acknowledged it, and a later redrive skips those; a redrive killed between the two sends that
  record again next time, which dedupe and import's Message-ID check absorb. Parked tasks also
  come back by themselves when due; --parked only brings them back now (if the retry consumer
  sends one too, import finds its Message-ID and reports duplicate).`,

  async run(argv) {
    const { values } = parseFlags(argv, {
      parked: { type: 'boolean' }, processor: { type: 'string' }, since: { type: 'string' }, code: { type: 'string' },
      item: { type: 'string' }, 'dry-run': { type: 'boolean' }, wait: { type: 'string' },
    });
    const processors = [...STAGE_NAMES, ...retryConsumers(STAGES.import.retryTopics).map((r) => r.name)] as string[];
    if (values.processor && !processors.includes(values.processor)) throw new ArchiverError('BAD_INPUT', `--processor must be one of ${processors.join(', ')}`);
    const filter: RedriveFilter = {
      ...(values.processor ? { processor: values.processor } : {}),
      ...(values.since ? { sinceMs: parseSince(values.since) } : {}),
      ...(values.code ? { code: values.code.toUpperCase() } : {}),
      ...(values.item ? { item: values.item } : {}),
    };
    const waitSeconds = values.wait === undefined ? 30 : Number(values.wait);
    if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new ArchiverError('BAD_INPUT', '--wait wants a number of seconds');
    const config = loadConfig();
    // Logs to stderr: stdout is the list and the report.
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination: destination(2) });
    const kafka = createKafka(config, logger, '.redrive');
    const admin = kafka.admin();
    await admin.connect();
    try { await ensureTopics(admin, config); } finally { await admin.disconnect(); }
    const serde = createSerde(config);
    const publisher = await createPublisher(kafka, serde, config);
    try {
      const deps = { kafka, serde, publisher, config };
      const what = values.parked ? 'parked import tasks' : 'dead letters';
      const plan = await planRedrive(deps, { parked: values.parked === true, filter });
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`${plan.selected.length} of ${plan.candidates} ${what} to send back${plan.alreadyRedriven ? `; ${plan.alreadyRedriven} matching were redriven before (skipped)` : ''}${plan.repeats ? `; ${plan.repeats} repeats of the same record (sent once)` : ''}`);
      for (const c of plan.foreign) out(`  cannot send back (origin ${c.originTopic} is not a topic of prefix "${config.topicPrefix}", or no bytes): ${describeCandidate(c)}`);
      for (const c of plan.selected) out(`  ${describeCandidate(c)}`);
      if (values['dry-run'] || plan.selected.length === 0) {
        if (values['dry-run']) out('dry run: nothing sent');
        return 0;
      }
      const started = Date.now();
      const progress = progressLine();
      const sent = await sendBack(deps, plan.selected, (n) => progress.update(`redrive: ${n}/${plan.selected.length} sent back`));
      progress.done(`redrive: ${sent} sent back to their topics`);
      out(`${sent} went back`);
      if (waitSeconds > 0) {
        const fate = await awaitFate(deps, [...new Set(plan.selected.map((c) => c.itemId))], started, waitSeconds * 1000);
        const counts = Object.entries(fate.counts).map(([k, n]) => `${k}=${n}`).join(' ');
        out(`outcomes since: ${counts || 'none yet'}${fate.withoutOutcome.length ? `; ${fate.withoutOutcome.length} items without an outcome yet (see webex-archiver status)` : ''}`);
      }
      return 0;
    } finally {
      await publisher.close();
    }
  },
};
