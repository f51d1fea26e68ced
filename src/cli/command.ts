import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArchiverError } from '../errors.js';

/**
 * One CLI sub-command: its help text and what it runs. Every command answers --help. Its one-line
 * summary lives in the command table (commands/index.ts), so `--help` loads no command module.
 */
export interface Command {
  name: string;
  usage: string;
  run(argv: string[]): Promise<number | void>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict checking; a bad flag becomes a BAD_INPUT error that names it. */
export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new ArchiverError('BAD_INPUT', (err as Error).message);
  }
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
