import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../infra/paths.js';
import type { CommandEntry } from './commands/index.js';

/**
 * Whether this installation can run `entry`: every file it needs is here. The production image
 * holds what the services need (src/, schemas/) and not the benchmark, the fault soak or the
 * local servers' build, which need Java, Maven, Dovecot and root besides; so there `bench`,
 * `soak`, `demo` and `infra` are not offered rather than failing half-way.
 */
export function isOffered(entry: Pick<CommandEntry, 'needs'>, root: string = ROOT): boolean {
  return (entry.needs ?? []).every((file) => existsSync(path.join(root, file)));
}
