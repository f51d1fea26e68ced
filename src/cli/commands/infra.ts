import { infraDown, infraStatus, infraUp, OPTIONAL_SERVERS, type ServerName, SERVERS } from '../../../infra/index.js';
import { ArchiverError } from '../../errors.js';
import { parseFlags, type Command } from '../command.js';

const NAMES = [...SERVERS, ...OPTIONAL_SERVERS].map((s) => s.name) as string[];

export const infraCommand: Command = {
  name: 'infra',
  usage: `webex-archiver infra up|down|status [--only kafka,registry,azurite,dovecot,postfix,prometheus] [--json]

  up       start every server that is not already healthy (downloads jars on first run); idempotent;
           prometheus (Debian's, for checking the Grafana panels and alert rules) only when named
  down     stop the servers this project started (never someone else's), prometheus included
  status   one line per server: name, endpoint, health, and whether we own its process`,

  async run(argv) {
    const { values, positionals } = parseFlags(argv, { only: { type: 'string' }, json: { type: 'boolean' } }, true);
    const only = values.only ? values.only.split(',').map((s) => s.trim()) : undefined;
    for (const n of only ?? []) if (!NAMES.includes(n)) throw new ArchiverError('BAD_INPUT', `--only: unknown server "${n}" (expected ${NAMES.join(', ')})`);
    const names = only as ServerName[] | undefined;
    const progress = (line: string) => process.stderr.write(`${line}\n`);
    switch (positionals[0]) {
      case 'up': {
        const started = await infraUp({ only: names, progress });
        progress(started.length ? `infra: started ${started.join(', ')}` : 'infra: everything was already running');
        return printStatus(names, values.json === true);
      }
      case 'down': {
        const stopped = await infraDown({ only: names, progress });
        progress(stopped.length ? `infra: stopped ${stopped.join(', ')}` : 'infra: nothing of ours was running');
        return 0;
      }
      case 'status':
        return printStatus(names, values.json === true);
      default:
        throw new ArchiverError('BAD_INPUT', `infra: expected up, down or status, got "${positionals[0] ?? ''}"`);
    }
  },
};

async function printStatus(only: ServerName[] | undefined, json: boolean): Promise<number> {
  const status = await infraStatus(only);
  if (json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
  else for (const s of status) {
    process.stdout.write(`${s.name.padEnd(9)} ${s.endpoint.padEnd(48)} ${s.healthy ? 'healthy' : 'DOWN   '} ${s.ownedPid ? `pid ${s.ownedPid} (ours)` : s.healthy ? '(not started by us)' : ''}\n`);
  }
  return status.every((s) => s.healthy) ? 0 : 1;
}
