import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOST, PORTS, RUN_DIR } from './paths.js';
import { aptInstall, commandExists, isPortOpen, logFile, spawnDetached } from './process.js';
import type { LocalServer } from './server.js';

/**
 * Debian's Prometheus (package `prometheus`, which also brings `promtool`) on loopback, for the
 * test that checks deploy/grafana's panels and deploy/prometheus/alerts.yml against real data.
 * Not started by a plain `infra up`: `infra up --only prometheus` (or the test) starts it.
 *
 * It scrapes job `webex-archiver` every second from the targets listed in
 * .run/prometheus/targets/*.json (Prometheus file service discovery, re-read when a file
 * changes: https://prometheus.io/docs/prometheus/latest/configuration/configuration/#file_sd_config),
 * so a test adds its own running pipeline by writing one file and removes it after.
 */
export const PROMETHEUS_DIR = path.join(RUN_DIR, 'prometheus');
export const PROMETHEUS_TARGETS_DIR = path.join(PROMETHEUS_DIR, 'targets');
export const PROMETHEUS_URL = `http://${HOST}:${PORTS.prometheus}`;
const isRoot = process.getuid?.() === 0;

function prometheusConf(): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: webex-archiver
    metrics_path: /metrics
    file_sd_configs:
      - files: ['${PROMETHEUS_TARGETS_DIR}/*.json']
        refresh_interval: 1s
`;
}

export const prometheusServer: LocalServer = {
  name: 'prometheus',
  endpoint: PROMETHEUS_URL,
  startTimeoutMs: 30_000,

  async prepare(progress) {
    if (commandExists('prometheus') && commandExists('promtool')) return;
    if (!isRoot) throw new Error('prometheus: not installed; run `sudo apt-get install -y prometheus` (it brings promtool)');
    progress('prometheus: installing Debian package prometheus (first run only)');
    // Without recommends: the exporters and web console packages are not needed here.
    aptInstall('prometheus', 'prometheus');
  },

  async start(progress) {
    mkdirSync(PROMETHEUS_TARGETS_DIR, { recursive: true });
    const conf = path.join(PROMETHEUS_DIR, 'prometheus.yml');
    writeFileSync(conf, prometheusConf());
    progress(`prometheus: starting on ${PROMETHEUS_URL} (log: ${logFile('prometheus')})`);
    return spawnDetached('prometheus', 'prometheus', [
      `--config.file=${conf}`, `--storage.tsdb.path=${path.join(PROMETHEUS_DIR, 'data')}`, '--storage.tsdb.retention.time=1d',
      `--web.listen-address=${HOST}:${PORTS.prometheus}`,
    ]);
  },

  async healthy() {
    if (!(await isPortOpen(HOST, PORTS.prometheus))) return false;
    try {
      return (await fetch(`${PROMETHEUS_URL}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok;
    } catch {
      return false;
    }
  },
};
