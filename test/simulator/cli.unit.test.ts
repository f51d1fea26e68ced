import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/cli.js';

describe('simulator CLI', () => {
  it('parses fixture and seed options, rejects mixing them and unknown flags', () => {
    expect(parseSimulatorArgs(['--port', '0', '--fixture', 'org.json'])).toEqual({ host: '127.0.0.1', port: 0, fixturePath: 'org.json' });
    expect(parseSimulatorArgs(['--seed', '5', '--users', '3', '--rooms', '2', '--messages', '9'])).toMatchObject({ seed: { seed: 5, users: 3, rooms: 2, messages: 9, largeFiles: false } });
    expect(parseSimulatorArgs(['--help'])).toBe('help');
    expect(() => parseSimulatorArgs(['--fixture', 'a.json', '--seed', '2'])).toThrow(/cannot be combined/);
    expect(() => parseSimulatorArgs(['--port', 'abc'])).toThrow(/--port/);
    expect(() => parseSimulatorArgs(['--bogus'])).toThrow(/bogus/);
  });

  it('prints the base URL first, serves it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', "import('./src/simulator/cli.ts').then((m) => m.simulatorCommand(['--port', '0', '--seed', '3', '--messages', '5']))"], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    const m = /^Webex simulator listening on (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(first);
    expect(m).not.toBeNull();
    expect((await fetch(`${m![1]}/rooms`, { headers: { authorization: 'Bearer t' } })).status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 20_000);
});
