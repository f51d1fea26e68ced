import { parseArgs } from 'node:util';
import { ArchiverError } from '../errors.js';
import { startWebexSimulator } from './index.js';
import type { SimulatorOptions } from './types.js';

/**
 * `webex-archiver simulator`: starts the Webex simulator, prints its base URL as the first line on
 * stdout (so scripts can read it, `--port 0` picks a free port) and runs until SIGINT or SIGTERM.
 */
export const SIMULATOR_USAGE = `Usage: webex-archiver simulator [options]

Serves the Webex REST API under /v1 from a fixture or a seeded organization.

Options:
  --host HOST        address to listen on (default 127.0.0.1)
  --port N           port (default 0: a free port)
  --fixture FILE     load the organization from a JSON fixture (docs/simulator.md)
  --seed N           generate an organization from this seed (default 1) ...
  --users N          ... with N people (default 6)
  --rooms N          ... N spaces (default 4)
  --messages N       ... and N messages (default 40)
  --large-files      include files over 10 MB in the generated organization
  --rate-limit N     answer 429 above N requests per minute per token
  -h, --help         show this help

Faults can be switched while it runs: POST /_simulator/faults (see docs/simulator.md).`;

function intFlag(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ArchiverError('BAD_INPUT', `--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

export function parseSimulatorArgs(argv: string[]): SimulatorOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        host: { type: 'string' }, port: { type: 'string' }, fixture: { type: 'string' }, seed: { type: 'string' },
        users: { type: 'string' }, rooms: { type: 'string' }, messages: { type: 'string' },
        'large-files': { type: 'boolean' }, 'rate-limit': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ArchiverError('BAD_INPUT', (err as Error).message);
  }
  if (values.help) return 'help';
  const seeded = ['seed', 'users', 'rooms', 'messages', 'large-files'].some((k) => values[k as keyof typeof values] !== undefined);
  if (values.fixture && seeded) throw new ArchiverError('BAD_INPUT', '--fixture cannot be combined with --seed/--users/--rooms/--messages');
  const opts: SimulatorOptions = { host: values.host ?? '127.0.0.1', port: intFlag('port', values.port, 0) };
  if (values.fixture) opts.fixturePath = values.fixture;
  else {
    opts.seed = {
      seed: intFlag('seed', values.seed, 1), users: intFlag('users', values.users, 6), rooms: intFlag('rooms', values.rooms, 4),
      messages: intFlag('messages', values.messages, 40), largeFiles: values['large-files'] === true,
    };
  }
  if (values['rate-limit'] !== undefined) opts.rateLimit = { perMinute: intFlag('rate-limit', values['rate-limit'], 0) };
  return opts;
}

export async function simulatorCommand(argv: string[]): Promise<void> {
  const opts = parseSimulatorArgs(argv);
  if (opts === 'help') {
    process.stdout.write(`${SIMULATOR_USAGE}\n`);
    return;
  }
  const sim = await startWebexSimulator(opts);
  process.stdout.write(`Webex simulator listening on ${sim.baseUrl}\n`);
  process.stdout.write(`Compliance Officer: ${sim.meId} (any bearer token is accepted)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}
