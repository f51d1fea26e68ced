import { readFileSync } from 'node:fs';
import { ArchiverError } from '../errors.js';
import { GRAPH_MAX_MIME_BYTES } from '../sinks/graph/graph-sink.js';
import { CONFIG_SPEC, type Config } from './schema.js';

/**
 * Reads the configuration once: defaults, then an optional file (KEY=VALUE lines, named by
 * WXA_CONFIG_FILE), then the environment. Every key is validated; the first bad one stops
 * start-up with an error naming both the environment variable and the reason.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<string, string>> = {}): Config {
  const fromFile = env.WXA_CONFIG_FILE ? readEnvFile(env.WXA_CONFIG_FILE) : {};
  const out: Record<string, unknown> = {};
  const known = new Set(Object.values(CONFIG_SPEC).map((s) => s.env));
  for (const name of Object.keys(fromFile)) {
    if (!known.has(name)) throw new ArchiverError('CONFIG', `${name}: unknown key in ${env.WXA_CONFIG_FILE}`);
  }
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
  // Cross-field: plain text or an unchecked certificate only to this machine (a local test
  // server); anywhere else a journal stream would be readable or redirectable on the network.
  if (out.sink === 'smtp' && !isLoopbackHost(out.smtpHost as string)) {
    if (out.smtpTls === 'none') throw new ArchiverError('CONFIG', `${CONFIG_SPEC.smtpTls.env}: none is allowed only for a loopback WXA_SMTP_HOST, not ${out.smtpHost as string}`);
    if (out.smtpTlsVerify === false) throw new ArchiverError('CONFIG', `${CONFIG_SPEC.smtpTlsVerify.env}: false is allowed only for a loopback WXA_SMTP_HOST, not ${out.smtpHost as string}`);
  }
  return Object.freeze(out) as Config;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
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
