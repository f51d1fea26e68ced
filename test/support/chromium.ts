import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Makes sure Debian's chromium is installed, installing it with apt-get when we are root.
 * playwright-core ships no browser; Debian's package is the one we drive. Not root and not
 * installed: we say how to install it instead of guessing at sudo.
 */
export function ensureChromium(log: (line: string) => void = (l) => process.stdout.write(`[chromium] ${l}\n`)): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM_PATH} is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('installing chromium with apt-get (first run only)');
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get finished but ${CHROMIUM_PATH} is still missing`);
  log('chromium installed');
  return CHROMIUM_PATH;
}

/**
 * Launches headless chromium with a fresh profile (a new temporary --user-data-dir, which
 * playwright takes as the persistent-context directory) and everything that phones home turned off.
 */
export async function launchChromium(opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'wxa-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
