import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVERS, infraStatus, infraUp, leftovers, type ServerStatus } from '../../infra/index.js';
import { KAFKA_CACHE, kafkaJarsCached, kafkaServer } from '../../infra/kafka.js';
import { ROOT } from '../../infra/paths.js';
import { isAlive, logFile, pidFile, readPid } from '../../infra/process.js';
import { registryCacheState } from '../../infra/registry.js';
import { spawnCli } from '../support/cli.js';

/**
 * `infra up` against the servers the global setup already has running: it must start nothing and
 * disturb nothing. These tests never stop a server (every other test file uses them).
 */
const NAMES = SERVERS.map((s) => s.name);
const pids = () => Object.fromEntries(NAMES.map((n) => [n, readPid(pidFile(n)) ?? null]));

describe('infra up twice in a row is harmless', () => {
  it('infraUp() with everything running starts nothing and leaves every pid as it was', async () => {
    const before = pids();
    const lines: string[] = [];
    expect(await infraUp({ progress: (l) => lines.push(l) })).toEqual([]);
    expect(pids()).toEqual(before);
    for (const pid of Object.values(before)) if (pid !== null) expect(isAlive(pid)).toBe(true);
    // (Another engineer's test run may hold the infra lock for a moment: that line is fine too.)
    expect(lines.filter((l) => !l.startsWith('infra: another infra command')).sort()).toEqual(SERVERS.map((s) => `${s.name}: already running at ${s.endpoint}`).sort());
    const status = await infraStatus();
    expect(status.map((s) => [s.name, s.healthy])).toEqual(NAMES.map((n) => [n, true]));
  });

  it('the CLI: `infra up` says everything was already running; `infra status --json` parses, every server healthy', async () => {
    const before = pids();
    const up = spawnCli(['infra', 'up'], {});
    expect(await up.exited, up.output()).toBe(0);
    expect(up.output()).toContain('infra: everything was already running');
    expect(up.output()).not.toMatch(/starting|restarting|resolving|fetching/);
    expect(pids()).toEqual(before);

    const status = spawnCli(['infra', 'status', '--json'], {});
    let stdout = '';
    status.child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    expect(await status.exited, status.output()).toBe(0);
    const parsed = JSON.parse(stdout) as ServerStatus[];
    expect(parsed.map((s) => s.name).sort()).toEqual([...NAMES].sort());
    expect(parsed.every((s) => s.healthy)).toBe(true);
    for (const s of parsed) expect(s.ownedPid).toBe(before[s.name] !== null && isAlive(before[s.name]!) ? before[s.name] : null);
  });
});

describe('jar caches are reused', () => {
  function fakeKafkaCache(opts: { marker: boolean; jars: number; libs?: boolean }): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxa-kafka-cache-'));
    if (opts.libs !== false) mkdirSync(path.join(dir, 'libs'));
    for (let i = 0; i < opts.jars; i++) writeFileSync(path.join(dir, 'libs', `lib-${i}.jar`), '');
    if (opts.marker) writeFileSync(path.join(dir, '.complete'), new Date().toISOString());
    return dir;
  }

  it('kafka: a cache with its marker and jars needs no download; without either it does', () => {
    expect(kafkaJarsCached(fakeKafkaCache({ marker: true, jars: 40 }))).toBe(true);
    expect(kafkaJarsCached(fakeKafkaCache({ marker: false, jars: 40 }))).toBe(false);
    expect(kafkaJarsCached(fakeKafkaCache({ marker: true, jars: 3 }))).toBe(false);
    // A marker whose libs/ folder is gone: download again (this used to throw ENOENT).
    expect(kafkaJarsCached(fakeKafkaCache({ marker: true, jars: 0, libs: false }))).toBe(false);
  });

  it('registry: unpacked with its marker is reused; an archive alone is only unpacked; nothing means download', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wxa-apicurio-cache-'));
    expect(registryCacheState(dir)).toBe('download');
    writeFileSync(path.join(dir, 'apicurio-registry-app-3.0.9-all.tar.gz'), '');
    expect(registryCacheState(dir)).toBe('unpack');
    const app = path.join(dir, 'app-3.0.9');
    mkdirSync(app);
    writeFileSync(path.join(app, 'apicurio-registry-app-3.0.9-runner.jar'), '');
    // The runner jar without the marker may be an interrupted tar: unpack again.
    expect(registryCacheState(dir)).toBe('unpack');
    writeFileSync(path.join(app, '.complete'), '');
    expect(registryCacheState(dir)).toBe('reuse');
  });

  it("kafka's prepare on this checkout's cache says it reuses the jars and runs no Maven", async () => {
    // The global setup made the cache complete (it started or found Kafka), so this never downloads.
    expect(kafkaJarsCached()).toBe(true);
    const mavenLog = logFile('kafka-maven');
    const sizeBefore = existsSync(mavenLog) ? statSync(mavenLog).size : 0;
    const lines: string[] = [];
    await kafkaServer.prepare((l) => lines.push(l));
    expect(lines).toEqual([`kafka: reusing cached jars in ${path.relative(ROOT, KAFKA_CACHE)}`]);
    expect(existsSync(mavenLog) ? statSync(mavenLog).size : 0).toBe(sizeBefore);
  });
});

describe('infra down leaves no process of ours running: the check', () => {
  it('names a pid that is alive and a port that still listens, and nothing once they are gone', async () => {
    // A real process listening on a real port stands in for a server that did not stop.
    const child = spawn(process.execPath, ['-e', `const s = require('node:net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port)); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const entry = { name: 'stand-in', pid: child.pid!, ports: [port] };
    try {
      expect(await leftovers([entry], 0)).toEqual([`stand-in: pid ${child.pid} is still alive`, `stand-in: something still listens on 127.0.0.1:${port}`]);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(await leftovers([entry])).toEqual([]);
  });
});
