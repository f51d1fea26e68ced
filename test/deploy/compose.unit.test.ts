import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STAGE_NAMES } from '../../src/pipeline/stages.js';
import { loadConfig } from '../../src/config/load.js';
import { CONFIG_SPEC } from '../../src/config/schema.js';
import { parse } from 'yaml';
import { GRAPH_CREDENTIALS, OWN_SECRETS } from '../support/production-env.js';

/**
 * docker-compose.yml against the code it deploys: configuration keys, processors, the commands that
 * serve /metrics and what deploy/prometheus/prometheus.yml scrapes. No Docker engine is needed: the
 * files are read with the `yaml` package (YAML 1.2, merge keys on as Compose reads them, duplicate
 * keys an error).
 */
const parseYaml = (source: string): unknown => parse(source, { merge: true, uniqueKeys: true });
const root = fileURLToPath(new URL('../../', import.meta.url));
const files = { compose: `${root}docker-compose.yml`, prometheus: `${root}deploy/prometheus/prometheus.yml`, dashboard: `${root}deploy/grafana/dashboards/webex-archiver.json` };
const text = (file: string) => readFileSync(file, 'utf8');

interface Service { build?: string; image?: string; stop_grace_period?: string; command?: string[] | string; environment?: Record<string, string | null>; profiles?: string[]; ports?: string[]; container_name?: string }
interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs?: { targets: string[]; labels?: Record<string, string> }[];
  dns_sd_configs?: { names: string[]; type?: string; port?: string }[];
  relabel_configs?: { source_labels?: string[]; regex?: string; target_label?: string; replacement?: string; action?: string }[];
}
const compose = parseYaml(text(files.compose)) as unknown as { services: Record<string, Service> };
const prometheus = parseYaml(text(files.prometheus)) as unknown as { scrape_configs: ScrapeConfig[] };
const services = Object.entries(compose.services);
/** The services that run this project's image. */
const archiver = services.filter(([, s]) => s.build === '.');
const configKeys = new Set(Object.values(CONFIG_SPEC).map((s) => s.env));
const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`no service ${name} in docker-compose.yml`);
  return s;
};
const commandOf = (s: Service): string[] => {
  if (!Array.isArray(s.command)) throw new Error('an archiver service gives its command as a list');
  return s.command;
};

/**
 * The service's environment as Compose would hand it over: `${VAR:-default}` from `vars` or the
 * default; a `${VAR}` with no default is the operator's to set (.env), so the key is left out and
 * the configuration's own default stands in for the operator's value.
 */
function resolvedEnv(s: Service, vars: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(s.environment ?? {})) {
    let required = false;
    const value = (raw ?? '').replace(/\$\{(\w+)(?::?-([^}]*)|:?\?[^}]*)?\}/g, (_m, name: string, def: string | undefined) => {
      if (vars[name] !== undefined) return vars[name];
      if (def === undefined) required = true;
      return def ?? '';
    });
    if (!required) out[key] = value;
  }
  return out;
}

/**
 * What an operator's .env holds for this file: every `${VAR:?}` it requires, and the Graph app
 * registration of the default sink. None is a development default, which the configuration
 * refuses off loopback (src/config/exposure.ts), and every service here is off loopback.
 */
const OPERATOR_ENV: Record<string, string> = {
  ...OWN_SECRETS,
  ...GRAPH_CREDENTIALS,
  WXA_WEBHOOK_TARGET_URL: 'https://archiver.example.com/webhooks/webex',
  WXA_ORG_DOMAINS: 'example.com',
  WXA_FALLBACK_MAILBOX: 'compliance@example.com',
};

/** Where the service serves /metrics, read from its command as src/cli/commands/*.ts do. */
function metricsPort(s: Service): number | undefined {
  const [cmd, ...args] = commandOf(s);
  const env = resolvedEnv(s);
  const receiver = () => {
    expect(env.WXA_RECEIVER_HOST, 'the receiver listens beyond loopback').toBe('0.0.0.0');
    return Number(env.WXA_RECEIVER_PORT ?? CONFIG_SPEC.receiverPort.default);
  };
  const listener = () => {
    expect(env.WXA_METRICS_HOST, 'the metrics listener is reachable from Prometheus').toBe('0.0.0.0');
    return Number(env.WXA_METRICS_PORT ?? CONFIG_SPEC.metricsPort.default);
  };
  if (cmd === 'receiver') return receiver();
  if (cmd === 'run') return args.includes('--with-receiver') ? receiver() : listener();
  if (cmd === 'crawl' && args.includes('--schedule')) return listener();
  return undefined;
}

/** Every target Prometheus scrapes: host, port, how it is found and the component label it gets. */
function scrapeTargets(): { host: string; port: number; dns: boolean; component: string | undefined }[] {
  const out: { host: string; port: number; dns: boolean; component: string | undefined }[] = [];
  for (const job of prometheus.scrape_configs) {
    expect(job.metrics_path ?? '/metrics').toBe('/metrics');
    for (const sc of job.static_configs ?? []) {
      for (const t of sc.targets) {
        const [host = '', port] = t.split(':');
        out.push({ host, port: Number(port), dns: false, component: sc.labels?.component });
      }
    }
    const fromDns = (job.relabel_configs ?? []).find((r) => r.source_labels?.join() === '__meta_dns_name' && r.target_label === 'component' && (r.action ?? 'replace') === 'replace');
    for (const d of job.dns_sd_configs ?? []) {
      expect(d.type ?? 'SRV', 'an A lookup answers one address per replica').toBe('A');
      for (const name of d.names) {
        // Prometheus anchors the regex; one that matches "" would blank the static targets' label.
        const regex = new RegExp(`^(?:${fromDns?.regex ?? '(.*)'})$`);
        const component = fromDns && regex.test(name) ? (fromDns.replacement ?? '$1').replace('$1', regex.exec(name)![1] ?? '') : undefined;
        if (fromDns) expect(regex.test(''), 'the relabel regex must not match an empty __meta_dns_name').toBe(false);
        out.push({ host: name, port: Number(d.port), dns: true, component });
      }
    }
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('uses only configuration keys of src/config/schema.ts (in values, interpolations and comments)', () => {
    const used = new Set(text(files.compose).match(/\bWXA_[A-Z0-9_]+/g) ?? []);
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((k) => !configKeys.has(k))).toEqual([]);
    const inPrometheus = text(files.prometheus).match(/\bWXA_[A-Z0-9_]+/g) ?? [];
    expect(inPrometheus.filter((k) => !configKeys.has(k))).toEqual([]);
  });

  it("gives every archiver service an environment the configuration accepts, with the operator's .env", () => {
    expect(archiver.length).toBeGreaterThan(0);
    for (const [name, s] of archiver) {
      const env = resolvedEnv(s, OPERATOR_ENV);
      expect(Object.keys(env).filter((k) => !configKeys.has(k)), name).toEqual([]);
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('requires every secret from .env (`${VAR:?}`) and has no development value of its own', () => {
    const env = service('receiver').environment ?? {};
    for (const key of ['WXA_BLOB_CONNECTION_STRING', 'WXA_WEBEX_TOKEN', 'WXA_WEBHOOK_SECRET', 'WXA_OPERATOR_TOKEN']) {
      expect(env[key], key).toMatch(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`));
    }
    expect(text(files.compose)).not.toContain('Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq');
    // Were Compose to pass the configuration's own defaults instead, every service would stop at start-up.
    for (const [name, s] of archiver) {
      const { WXA_OPERATOR_TOKEN: _unset, ...withoutToken } = resolvedEnv(s, OPERATOR_ENV);
      expect(() => loadConfig(withoutToken), name).toThrow(/^WXA_OPERATOR_TOKEN: is a public development or example value/);
    }
  });

  it('gives every archiver service a stop grace period longer than the CLI\'s 30 s shutdown deadline', () => {
    for (const [name, s] of archiver) {
      const m = /^(\d+)s$/.exec(s.stop_grace_period ?? '');
      expect(m, `${name}: stop_grace_period in seconds (Docker's default of 10 s would SIGKILL a clean stop)`).not.toBeNull();
      expect(Number(m![1]), name).toBeGreaterThan(30);
    }
  });

  it('runs one service per processor, each `run <name>` alone, scalable with --scale', () => {
    const runs = archiver.filter(([, s]) => commandOf(s)[0] === 'run');
    expect(runs.map(([name, s]) => [name, commandOf(s)])).toEqual(STAGE_NAMES.map((p) => [p, ['run', p]]));
    for (const [name, s] of runs) {
      expect(s.ports, `${name}: a published port would collide between replicas`).toBeUndefined();
      expect(s.container_name, `${name}: a fixed container name allows one replica`).toBeUndefined();
      expect(s.profiles, `${name}: processors always run`).toBeUndefined();
    }
    const ports = runs.map(([, s]) => metricsPort(s));
    expect(ports.every((p) => p !== undefined && p > 0), 'each processor serves /metrics on a fixed port').toBe(true);
    expect(new Set(ports).size, 'each processor service has its own metrics port').toBe(ports.length);
  });

  it('has Prometheus scrape every service that serves /metrics, and nothing else', () => {
    const serving = archiver.flatMap(([name, s]) => { const port = metricsPort(s); return port === undefined ? [] : [{ name, port, scalable: commandOf(s)[0] === 'run' }]; });
    expect(serving.map((s) => s.name)).toEqual(expect.arrayContaining(['receiver', 'crawler', ...STAGE_NAMES]));
    const targets = scrapeTargets();
    for (const s of serving) {
      const t = targets.filter((x) => x.host === s.name);
      expect(t.map((x) => x.port), `${s.name} is scraped on its port`).toEqual([s.port]);
      // A static target is one address; DNS answers one per replica, so a scalable service needs it.
      if (s.scalable) expect(t[0]?.dns, `${s.name}: every replica is found by DNS`).toBe(true);
      expect(t[0]?.component, `${s.name}: component label`).toBe(s.name);
    }
    expect(targets.filter((t) => !serving.some((s) => s.name === t.host && s.port === t.port)), 'targets that name no /metrics of the compose file').toEqual([]);
  });

  it('runs the transcript job only under the `transcript` profile, with one WXA_TRANSCRIPT_MODE for it and limit', () => {
    const withTranscript = archiver.filter(([, s]) => commandOf(s)[0] === 'transcript');
    expect(withTranscript.map(([name]) => name)).toEqual(['transcript']);
    const transcript = service('transcript');
    expect(commandOf(transcript)).toEqual(['transcript', '--schedule']);
    expect(transcript.profiles).toEqual(['transcript']);
    expect(metricsPort(transcript)).toBeUndefined();
    // The switch is one variable (.env) that both read: on together, off together.
    const limit = service('limit');
    for (const [vars, on] of [[{ WXA_TRANSCRIPT_MODE: 'true' }, true], [{}, false]] as const) {
      expect(loadConfig(resolvedEnv(limit, { ...OPERATOR_ENV, ...vars })).transcriptMode).toBe(on);
      expect(loadConfig(resolvedEnv(transcript, { ...OPERATOR_ENV, ...vars })).transcriptMode).toBe(on);
    }
    // No service without a profile turns the mode on by itself (limit would drop every version).
    for (const [name, s] of archiver) expect(resolvedEnv(s).WXA_TRANSCRIPT_MODE ?? 'false', name).toBe('false');
  });

  it('leaves the Grafana dashboard no query for a job or component that is not scraped', () => {
    const dashboard = JSON.parse(text(files.dashboard)) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    const jobs = new Set(prometheus.scrape_configs.map((j) => j.job_name));
    const components = new Set(scrapeTargets().map((t) => t.component));
    for (const e of exprs) {
      for (const m of e.matchAll(/\b(job|component)\s*=~?\s*"([^"]*)"/g)) {
        const [, kind, value = ''] = m;
        expect(kind === 'job' ? jobs.has(value) : components.has(value), `${e}: ${kind}="${value}"`).toBe(true);
      }
    }
  });
});
