import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../infra/paths.js';
import { isOffered } from '../../src/cli/availability.js';
import { COMMANDS } from '../../src/cli/commands/index.js';

/**
 * The production image (Dockerfile) without a Docker engine: its files are laid out as its COPY
 * lines say, in a temporary folder, and the entrypoint is run there. node_modules is this
 * checkout's (with dev dependencies), so a separate check holds src/ to the runtime dependencies
 * that `npm ci --omit=dev` installs.
 */
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const copies = instructions.filter((l) => l.startsWith('COPY ')).map((l) => l.slice(5).trim().split(/\s+/));

const image = mkdtempSync(path.join(tmpdir(), 'wxa-image-'));
for (const args of copies) {
  const dest = args[args.length - 1]!;
  for (const src of args.slice(0, -1)) {
    const target = dest.endsWith('/') && dest !== './' ? path.join(image, dest, path.basename(src)) : dest === './' ? path.join(image, path.basename(src)) : path.join(image, dest);
    cpSync(path.join(ROOT, src), target, { recursive: true });
  }
}
symlinkSync(path.join(ROOT, 'node_modules'), path.join(image, 'node_modules'));
afterAll(() => rmSync(image, { recursive: true, force: true }));

const entrypoint = JSON.parse(instructions.find((l) => l.startsWith('ENTRYPOINT '))!.slice(11)) as string[];
const inImage = (args: string[]) => {
  expect(entrypoint.slice(0, 2)).toEqual(['node', 'bin/webex-archiver.js']);
  const r = spawnSync(process.execPath, [entrypoint[1]!, ...args], { cwd: image, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 60_000 });
  return { code: r.status, out: r.stdout + r.stderr };
};
const DEVELOPMENT_ONLY = ['bench', 'soak', 'demo', 'infra'];

describe('the production image', () => {
  it('runs as an unprivileged user', () => {
    const users = instructions.filter((l) => l.startsWith('USER ')).map((l) => l.slice(5).trim());
    expect(users.at(-1)).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
  });

  it('offers no command whose files it lacks: bench, soak, demo and infra are not listed, and refused naming what is missing', () => {
    const help = inImage(['--help']);
    expect(help.code, help.out).toBe(0);
    const listed = [...help.out.matchAll(/^ {2}(\S+) /gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMANDS.map((c) => c.name).filter((n) => !DEVELOPMENT_ONLY.includes(n)));
    for (const name of DEVELOPMENT_ONLY) {
      const r = inImage([name]);
      expect(r.code, r.out).toBe(2);
      expect(r.out).toContain(`"${name}" is not part of this installation`);
    }
    // In a checkout everything is offered.
    expect(COMMANDS.filter((c) => !isOffered(c)).map((c) => c.name)).toEqual([]);
  });

  it('holds what every command it offers needs: each loads and answers --help there', () => {
    for (const c of COMMANDS.filter((e) => !DEVELOPMENT_ONLY.includes(e.name))) {
      const r = inImage([c.name, '--help']);
      expect(r.code, `${c.name}: ${r.out}`).toBe(0);
    }
    const config = inImage(['config']);
    expect(config.code, config.out).toBe(0);
  });

  it('src/ and bin/ import only runtime dependencies (the image installs no devDependencies)', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const files = [path.join(ROOT, 'bin', 'webex-archiver.js'), ...(readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => path.join(ROOT, 'src', f))];
    const missing = new Set<string>();
    const seen = new Set<string>();
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'|^\s*import\s+'([^'.][^']*)'|import\('([^'.][^']*)'\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3]!;
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        seen.add(name);
        if (!(name in pkg.dependencies)) missing.add(`${name} (${path.relative(ROOT, file)})`);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['kafkajs', 'fastify', 'tsx', '@azure/storage-blob']));
    expect([...missing]).toEqual([]);
  });
});
