import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import type { StagedItem } from '../../kafka/records.js';
import type { ProcessorSpec } from '../../kafka/runner.js';
import { routeItem } from './transform.js';
import { parseUserMapCsv, type UserMap } from './user-map.js';

export function loadUserMap(config: Pick<Config, 'userMapFile' | 'orgDomains'>): UserMap {
  let overrides = new Map<string, string>();
  if (config.userMapFile) {
    let text: string;
    try { text = readFileSync(config.userMapFile, 'utf8'); } catch (err) {
      throw new ArchiverError('CONFIG', `WXA_USER_MAP_FILE: cannot read ${config.userMapFile}`, { cause: err });
    }
    overrides = parseUserMapCsv(text, config.userMapFile);
  }
  return { overrides, orgDomains: config.orgDomains };
}

export const ROUTE_CHUNK_BYTES = 1024 * 1024;

export function routeProcessor(deps: { config: Config }): ProcessorSpec<StagedItem> {
  const map = loadUserMap(deps.config);
  const policy = { unmappedPolicy: deps.config.unmappedPolicy, fallbackMailbox: deps.config.fallbackMailbox };
  return {
    name: 'route',
    input: 'staged',
    // A staged item's input bytes grow with its participants, and its outputs with them (one task
    // each): a chunk of 1 MiB of input, such as one item of a 5,000-member space, stays a few MB of tasks.
    chunkBytes: ROUTE_CHUNK_BYTES,
    transform: (item) => routeItem(item, map, policy, new Date()),
  };
}
