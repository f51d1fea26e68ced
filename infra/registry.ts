import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, HOST, PORTS, ROOT } from './paths.js';
import { logFile, runToCompletion, spawnDetached } from './process.js';
import type { LocalServer } from './server.js';

/**
 * Apicurio Registry 3.0.9 (in-memory H2 storage) serving the Confluent-compatible API under
 * /apis/ccompat/v7. See infra/registry/pom.xml for why this version and how it is fetched.
 */
const VERSION = '3.0.9';
const ARCHIVE = path.join(CACHE_DIR, 'apicurio', `apicurio-registry-app-${VERSION}-all.tar.gz`);
const APP_DIR = path.join(CACHE_DIR, 'apicurio', `app-${VERSION}`);
const RUNNER = path.join(APP_DIR, `apicurio-registry-app-${VERSION}-runner.jar`);
export const REGISTRY_CACHE = path.join(CACHE_DIR, 'apicurio');

/**
 * What `prepare` has to do with the Apicurio cache in `dir`: nothing ('reuse') when the archive was
 * unpacked completely, only tar ('unpack') when the archive is there, Maven ('download') otherwise.
 * Completeness is a marker written after tar succeeded: the runner jar alone is no proof, since
 * an interrupted tar can leave it without its lib/ folder.
 */
export function registryCacheState(dir: string = REGISTRY_CACHE): 'reuse' | 'unpack' | 'download' {
  const app = path.join(dir, `app-${VERSION}`);
  if (existsSync(path.join(app, `apicurio-registry-app-${VERSION}-runner.jar`)) && existsSync(path.join(app, '.complete'))) return 'reuse';
  return existsSync(path.join(dir, `apicurio-registry-app-${VERSION}-all.tar.gz`)) ? 'unpack' : 'download';
}

export const registryServer: LocalServer = {
  name: 'registry',
  endpoint: `http://${HOST}:${PORTS.registry}/apis/ccompat/v7`,
  startTimeoutMs: 90_000,

  async prepare(progress) {
    const state = registryCacheState();
    if (state === 'reuse') { progress(`registry: reusing cached Apicurio ${VERSION} in ${path.relative(ROOT, APP_DIR)}`); return; }
    if (state === 'download') {
      progress(`registry: fetching Apicurio Registry ${VERSION} from Maven Central into .cache (first run only, ~110 MB)`);
      runToCompletion('registry-maven', 'mvn', ['-B', '-q', '-f', path.join(ROOT, 'infra', 'registry', 'pom.xml'), 'validate']);
    } else progress(`registry: unpacking the cached ${path.relative(ROOT, ARCHIVE)} (no download)`);
    mkdirSync(APP_DIR, { recursive: true });
    runToCompletion('registry-maven', 'tar', ['-xzf', ARCHIVE, '-C', APP_DIR]);
    if (!existsSync(RUNNER)) throw new Error(`registry: ${RUNNER} missing after unpacking (found ${readdirSync(APP_DIR).join(', ')})`);
    writeFileSync(path.join(APP_DIR, '.complete'), new Date().toISOString());
  },

  async start(progress) {
    progress(`registry: starting Apicurio on ${this.endpoint} (log: ${logFile('registry')})`);
    return spawnDetached('registry', 'java', [
      '-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
      `-Dquarkus.http.host=${HOST}`, `-Dquarkus.http.port=${PORTS.registry}`,
      '-Dquarkus.log.level=WARN', '-Dquarkus.log.category."io.apicurio".level=WARN',
      '-Dapicurio.rest.deletion.artifact.enabled=true', '-Dapicurio.rest.deletion.artifact-version.enabled=true',
      '-jar', RUNNER,
    ], { cwd: APP_DIR });
  },

  async healthy() {
    try {
      const res = await fetch(`http://${HOST}:${PORTS.registry}/health/ready`, { signal: AbortSignal.timeout(2000) });
      if (!res.ok) return false;
      const body = (await res.json()) as { status?: string };
      return body.status === 'UP';
    } catch {
      return false;
    }
  },
};
