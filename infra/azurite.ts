import { existsSync } from 'node:fs';
import path from 'node:path';
import { HOST, PORTS, ROOT } from './paths.js';
import { isPortOpen, logFile, spawnDetached } from './process.js';
import type { LocalServer } from './server.js';

/** Azurite's blob service only, in memory, telemetry off. Installed by npm (devDependency azurite). */
const MAIN = path.join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');

export const azuriteServer: LocalServer = {
  name: 'azurite',
  endpoint: `http://${HOST}:${PORTS.azurite}/devstoreaccount1`,
  startTimeoutMs: 30_000,

  async prepare() {
    if (!existsSync(MAIN)) throw new Error('azurite: node_modules/azurite is missing; run `npm ci` first');
  },

  async start(progress) {
    progress(`azurite: starting blob service on ${this.endpoint} (log: ${logFile('azurite')})`);
    // Run main.js directly (not through npx) so the pid we record is the server itself.
    // --skipApiVersionCheck: @azure/storage-blob 12.32 sends an x-ms-version newer than Azurite 3.35 knows.
    return spawnDetached('azurite', process.execPath, [
      MAIN, '--blobHost', HOST, '--blobPort', String(PORTS.azurite), '--inMemoryPersistence',
      '--extentMemoryLimit', '2048', '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent',
    ]);
  },

  async healthy() {
    if (!(await isPortOpen(HOST, PORTS.azurite))) return false;
    try {
      // Any HTTP answer from the account endpoint means the service is up (400/403 without auth).
      const res = await fetch(`http://${HOST}:${PORTS.azurite}/devstoreaccount1?comp=list`, { signal: AbortSignal.timeout(2000) });
      return res.status > 0;
    } catch {
      return false;
    }
  },
};
