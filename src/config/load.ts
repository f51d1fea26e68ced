import { readFileSync } from 'node:fs';
import { ArchiverError } from '../errors.js';
import { GRAPH_MAX_MIME_BYTES } from './sink-limits.js';
import { unworkableCombinations } from './cross-field.js';
import { developmentSecretsExposed, journalInClear, tokensInClear, type ConfigProblem } from './exposure.js';
import { nearestKey } from './nearest-key.js';
import { CONFIG_SPEC, type Config } from './schema.js';

/** Read by the loader itself, not a key of the schema. */
const LOADER_KEYS = ['WXA_CONFIG_FILE'];
/** Keys that were removed: what replaced them says more than the nearest key would. */
const RETIRED: Record<string, string> = {
  WXA_CRAWL_WINDOW_MINUTES: 'no longer used: the crawler reads events page by page over the whole range (WXA_CRAWL_PAGE_SIZE); remove it',
};
/** Every variable a WXA_ name may be: the schema's keys (one source, so a key added there is known). */
const knownNames = (): Set<string> => new Set([...Object.values(CONFIG_SPEC).map((s) => s.env), ...LOADER_KEYS]);

/**
 * Reads the configuration once: defaults, then an optional file (KEY=VALUE lines, named by
 * WXA_CONFIG_FILE), then the environment. A WXA_ name that is no key (a typo) stops start-up
 * naming the nearest key; then every key is validated, the first bad one stops start-up naming
 * the environment variable and the reason; then the cross-field rules (cross-field.ts,
 * exposure.ts), all of whose problems are reported at once, one key per line.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const fromFile = env.WXA_CONFIG_FILE ? readEnvFile(env.WXA_CONFIG_FILE) : {};
  const out: Record<string, unknown> = {};
  refuseUnknownNames([
    ...Object.keys(fromFile).map((name) => ({ name, where: env.WXA_CONFIG_FILE as string, always: true })),
    ...Object.keys(env).map((name) => ({ name, where: 'the environment', always: false })),
    ...Object.keys(overrides).map((name) => ({ name, where: 'the overrides', always: false })),
  ]);
  const given = (name: string): string | undefined => overrides[name] ?? env[name] ?? fromFile[name];
  for (const [key, spec] of Object.entries(CONFIG_SPEC)) {
    const raw = given(spec.env) ?? spec.default;
    try {
      out[key] = spec.parse(raw);
    } catch (err) {
      throw new ArchiverError('CONFIG', `${spec.env}: ${(err as Error).message}`);
    }
  }
  // Cross-field: Graph refuses a request over 4 MB, so its sink fails an item over
  // GRAPH_MAX_MIME_BYTES with TOO_LARGE at import. Under the 10 MB default limit such items would
  // pass limit whole and then fail, instead of being stripped there. So with WXA_SINK=graph the
  // unset limit is Graph's, and an explicit larger one is a mistake that stops start-up.
  if (out.sink === 'graph') {
    if (given(CONFIG_SPEC.maxItemBytes.env) === undefined) out.maxItemBytes = GRAPH_MAX_MIME_BYTES;
    else if ((out.maxItemBytes as number) > GRAPH_MAX_MIME_BYTES) {
      throw new ArchiverError('CONFIG', `${CONFIG_SPEC.maxItemBytes.env}: ${out.maxItemBytes as number} is over ${GRAPH_MAX_MIME_BYTES}, the largest MIME item the Graph sink (WXA_SINK=graph) can import (Graph's 4 MB request cap, base64); such items would fail at import instead of being stripped or rejected by limit`);
    }
  }
  const config = out as Config;
  refuse([...unworkableCombinations(config), ...tokensInClear(config), ...journalInClear(config), ...developmentSecretsExposed(config)]);
  return Object.freeze(out) as Config;
}

function refuse(problems: ConfigProblem[]): void {
  if (problems.length) throw new ArchiverError('CONFIG', problems.map((p) => `${p.env}: ${p.reason}`).join('\n'));
}

/**
 * A misspelt key would otherwise be ignored and its default used in silence (WXA_OPERATOR_TOKNE
 * leaves the development token in place). In the environment only WXA_ names are ours; in the
 * file every name is.
 */
function refuseUnknownNames(names: { name: string; where: string; always: boolean }[]): void {
  const known = knownNames();
  refuse(names
    .filter(({ name, always }) => (always || name.startsWith('WXA_')) && !known.has(name))
    .map(({ name, where }) => ({ env: name, reason: RETIRED[name] ?? `unknown configuration key in ${where}; did you mean ${nearestKey(name, known)}? (every key: docs/configuration.md)` })));
}

function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (err) {
    throw new ArchiverError('CONFIG', `WXA_CONFIG_FILE: cannot read ${file}`, { cause: err });
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const eq = t.indexOf('=');
    if (eq < 1) throw new ArchiverError('CONFIG', `WXA_CONFIG_FILE: line ${i + 1} is not KEY=VALUE`);
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  });
  return out;
}

/** The configuration with every secret replaced, safe to print or log. */
export function redactedConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_SPEC)) {
    const v = (config as Record<string, unknown>)[key];
    out[key] = 'secret' in spec && spec.secret && v !== '' ? '[redacted]' : v;
  }
  return out;
}
