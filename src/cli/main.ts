import { ArchiverError } from '../errors.js';
import { isOffered } from './availability.js';
import { wantsHelp } from './command.js';
import { COMMANDS } from './commands/index.js';

/** `webex-archiver <command> [...]`: one CLI for every job. Exit codes: 0 ok, 1 failure, 2 bad usage or config. */
function printHelp(): void {
  const lines = ['webex-archiver: compliance archiving for Cisco Webex messaging', '', 'Usage: webex-archiver <command> [options]   (--help on each command)', '', 'Commands:'];
  for (const c of COMMANDS.filter((e) => isOffered(e))) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { printHelp(); return name ? 0 : 2; }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) { process.stderr.write(`webex-archiver: unknown command "${name}"\n`); printHelp(); return 2; }
  if (!isOffered(entry)) {
    process.stderr.write(`webex-archiver: "${name}" is not part of this installation (it needs ${entry.needs!.join(', ')}, which the production image leaves out); run it from a checkout of the repository\n`);
    return 2;
  }
  const command = await entry.load();
  if (wantsHelp(rest)) { process.stdout.write(command.usage + '\n'); return 0; }
  try {
    return (await command.run(rest)) ?? 0;
  } catch (err) {
    if (err instanceof ArchiverError && (err.code === 'CONFIG' || err.code === 'BAD_INPUT')) {
      process.stderr.write(`webex-archiver ${name}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`webex-archiver ${name}: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
