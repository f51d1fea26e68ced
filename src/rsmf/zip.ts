import { inflateRawSync } from 'node:zlib';
import { ArchiverError } from '../errors.js';

/**
 * A minimal ZIP writer and reader (PKWARE APPNOTE 6.3.x, sections 4.3.7, 4.3.12, 4.3.16) for
 * rsmf.zip. Written here rather than taken from a library because the only thing RSMF needs is
 * byte-for-byte reproducible output, and that means owning every field: entries are STORED (no
 * compression: zlib's output may change between Node releases, and chat attachments are mostly
 * compressed already), every timestamp is the DOS epoch 1980-01-01 00:00, no extra fields, the
 * UTF-8 name flag (bit 11) set, entries in the order given. No ZIP64: a slice is capped far below
 * 4 GiB and 65,535 entries (see slices.ts), and `zipStored` refuses anything beyond.
 */
export interface ZipEntry { name: string; data: Buffer }

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const UTF8_FLAG = 0x0800;
const VERSION = 20; // 2.0: the version that defines STORED entries with a data descriptor-free header
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, the one ZIP uses). */
export function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The exact size `zipStored` will produce for entries with these name and data lengths. */
export function zipSize(entries: readonly { name: string; size: number }[]): number {
  return entries.reduce((n, e) => n + 30 + 46 + 2 * Buffer.byteLength(e.name, 'utf8') + e.size, 0) + 22;
}

export function zipStored(entries: readonly ZipEntry[]): Buffer {
  if (entries.length > MAX_ENTRIES) throw new ArchiverError('TOO_LARGE', `zip: ${entries.length} entries (at most ${MAX_ENTRIES} without ZIP64)`);
  if (new Set(entries.map((e) => e.name)).size !== entries.length) throw new ArchiverError('INTERNAL', 'zip: duplicate entry names');
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION, 4);
    local.writeUInt16LE(UTF8_FLAG, 6);
    local.writeUInt16LE(0, 8); // STORED
    local.writeUInt16LE(0, 10); // 00:00:00
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(VERSION, 4); // made by: MS-DOS/FAT attributes (host 0), so no Unix modes vary
    cd.writeUInt16LE(VERSION, 6);
    cd.writeUInt16LE(UTF8_FLAG, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal and external attributes: all 0
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(cd, name);
    offset += 30 + name.length + e.data.length;
    if (offset > MAX_OFFSET) throw new ArchiverError('TOO_LARGE', 'zip: larger than 4 GiB (no ZIP64)');
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

/** Reads a zip's entries by name (STORED or DEFLATE), checking each CRC; BAD_INPUT when malformed. */
export function unzip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > zip.length) throw new ArchiverError('BAD_INPUT', 'zip: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new ArchiverError('BAD_INPUT', 'zip: bad central directory entry');
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const csize = zip.readUInt32LE(p + 20);
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const localAt = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + csize);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : null;
    if (!data) throw new ArchiverError('BAD_INPUT', `zip: ${name}: compression method ${method} not supported`);
    if (crc32(data) !== crc) throw new ArchiverError('BAD_INPUT', `zip: ${name}: CRC mismatch`);
    out.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
