import path from 'node:path';
import { ROOT } from '../../../infra/paths.js';
import { runSoak } from '../../../bench/soak.js';
import { soakMarkdown, soakPassed, writeSoakReport } from '../../../bench/soak-report.js';
import { FAULT_KEYS, type FaultKey } from '../../../bench/soak-faults.js';
import { ArchiverError } from '../../errors.js';
import { parseFlags, type Command } from '../command.js';

export const soakCommand: Command = {
  name: 'soak',
  usage: `webex-archiver soak [--minutes N] [--messages N] [--users N] [--rooms N] [--seed N] [--faults LIST] [--keep-data]

  Plays a generated organization live (signed webhooks) into the pipeline on the local servers,
  every processor and the receiver in its own process, for --minutes (default 4) while: a random
  process is SIGKILLed every 3-8 s and restarted, Webex answers 429 storms, the Kafka broker
  restarts, Azurite freezes and Dovecot goes down and comes back. Then webhooks are repaired, the
  reconciliation crawl runs, the pipeline drains, and every mailbox is compared with what it must
  hold. Exit 0 only with zero lost and zero duplicated items. Writes reports/soak-<time>.json/.md.
  --faults picks from ${FAULT_KEYS.join(',')} (default: all). The run's topics and blob containers
  are removed at the end (the mailboxes stay); --keep-data keeps them.
  Needs the local servers to be ours (it restarts them): run it where \`infra up\` started them.`,
  async run(argv) {
    const { values } = parseFlags(argv, {
      minutes: { type: 'string', default: '4' }, messages: { type: 'string', default: '400' }, users: { type: 'string', default: '12' },
      rooms: { type: 'string', default: '8' }, seed: { type: 'string', default: '5' }, faults: { type: 'string', default: FAULT_KEYS.join(',') }, 'keep-data': { type: 'boolean' },
    });
    const faults = String(values.faults).split(',').map((f) => f.trim()).filter(Boolean);
    const unknown = faults.filter((f) => !(FAULT_KEYS as readonly string[]).includes(f));
    if (unknown.length) throw new ArchiverError('BAD_INPUT', `--faults: unknown ${unknown.join(', ')} (expected some of ${FAULT_KEYS.join(',')})`);
    const report = await runSoak({
      faults: new Set(faults as FaultKey[]),
      minutes: Number(values.minutes), messages: Number(values.messages), users: Number(values.users), rooms: Number(values.rooms),
      seed: Number(values.seed), keepData: values['keep-data'] === true, progress: (l) => process.stderr.write(`${l}\n`),
    });
    const files = writeSoakReport(report, path.join(ROOT, 'reports'));
    process.stdout.write(soakMarkdown(report));
    process.stdout.write(`\nreport: ${files.md}\n        ${files.json}\n`);
    return soakPassed(report) ? 0 : 1;
  },
};
