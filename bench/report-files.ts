import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Writes `<kind>-<time>.json` and `.md` under `dir`, and `<kind>-latest.md` for the README's readers. */
export function writeReportFiles(dir: string, kind: string, at: string, value: unknown, markdown: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const stamp = at.replace(/[:.]/g, '-');
  const json = path.join(dir, `${kind}-${stamp}.json`);
  const md = path.join(dir, `${kind}-${stamp}.md`);
  writeFileSync(json, JSON.stringify(value, null, 2));
  writeFileSync(md, markdown);
  writeFileSync(path.join(dir, `${kind}-latest.md`), markdown);
  return { json, md };
}
