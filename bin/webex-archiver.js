#!/usr/bin/env node
// Launcher: runs the TypeScript CLI in this very process through tsx's loader (no build step).
// In-process on purpose: the signals `docker stop` sends (SIGTERM, then SIGKILL after the grace
// period) reach the CLI's own handlers (src/cli/lifecycle.ts), which leave the consumer group and
// exit 0. A launcher that ran the CLI as a child (spawnSync) forwarded none of them, so every
// stop ended in SIGKILL. The exit code is the CLI's own.
// tsx's register() uses node:module's register (Node 20.6+, package.json engines).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
