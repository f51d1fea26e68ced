import { readFileSync } from 'node:fs';
import type { Config } from '../../config/schema.js';
import { ArchiverError } from '../../errors.js';
import type { StagedItem } from '../../kafka/records.js';
import type { ProcessorShell } from '../../kafka/runner.js';
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

export function routeProcessor(deps: { config: Config }): ProcessorShell<'staged', 'imports' | 'outcomes'> {
  const map = loadUserMap(deps.config);
  const policy = { unmappedPolicy: deps.config.unmappedPolicy, fallbackMailbox: deps.config.fallbackMailbox };
  return { transform: (item) => routeItem(item, map, policy, new Date()) };
}
