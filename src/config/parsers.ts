/** Value parsers for configuration keys. Each throws a plain Error with a reason; the loader adds the key. */
import { isIP } from 'node:net';

export interface KeySpec<T> {
  env: string;
  default: string;
  parse: (raw: string) => T;
  doc: string;
  secret?: boolean;
}

function intRange(min: number, max: number) {
  return (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected an integer, got "${raw}"`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expected ${min}..${max}, got ${n}`);
    return n;
  };
}

function oneOf<const T extends readonly string[]>(values: T) {
  return (raw: string): T[number] => {
    if (!(values as readonly string[]).includes(raw)) throw new Error(`expected one of ${values.join(', ')}, got "${raw}"`);
    return raw as T[number];
  };
}

function secret(minLength: number) {
  return (raw: string): string => {
    if (raw.length < minLength) throw new Error(`must be at least ${minLength} characters`);
    return raw;
  };
}

/** A value that must contain `placeholder`: a template without it maps every input to one output. */
function template(placeholder: string) {
  return (raw: string): string => {
    if (!raw.includes(placeholder)) throw new Error(`must contain ${placeholder}, got "${raw}"`);
    return raw;
  };
}

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
// C0 controls and DEL: a CR or LF in a folder name or host would break IMAP quoting and URLs.
const CONTROL = /[\u0000-\u001f\u007f]/;

export const parsers = {
  string: (raw: string): string => raw,
  nonEmpty: (raw: string): string => {
    if (raw.trim() === '') throw new Error('must not be empty');
    return raw;
  },
  /** A host name or IP address to listen on or connect to (no scheme, port or spaces). */
  host: (raw: string): string => {
    if (raw.trim() === '') throw new Error('must not be empty');
    const name = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]*)(?:\.[A-Za-z0-9_-]+)*\.?$/;
    if (!name.test(raw) && isIP(raw.replace(/^\[(.*)\]$/, '$1')) === 0) throw new Error(`is not a host name or IP address: "${raw}"`);
    return raw;
  },
  /** An IMAP/Maildir folder name: not empty, not only separators, no control characters. */
  folderName: (raw: string): string => {
    if (raw.trim() === '' || /^[\s./\\]+$/.test(raw)) throw new Error('must name a folder');
    if (CONTROL.test(raw)) throw new Error('must not contain control characters');
    if (raw !== raw.trim()) throw new Error('must not start or end with a space');
    return raw;
  },
  list: (raw: string): string[] => {
    const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new Error('expected at least one value');
    return items;
  },
  domainList: (raw: string): string[] => {
    const items = raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    for (const d of items) if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(d)) throw new Error(`"${d}" is not a domain`);
    return items;
  },
  url: (raw: string): string => {
    let u: URL;
    try { u = new URL(raw); } catch { throw new Error(`"${raw}" is not a URL`); }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('expected an http(s) URL');
    return raw.replace(/\/+$/, '');
  },
  bool: (raw: string): boolean => {
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    throw new Error(`expected true or false, got "${raw}"`);
  },
  emailOrEmpty: (raw: string): string => {
    if (raw !== '' && !EMAIL.test(raw)) throw new Error(`"${raw}" is not an email address`);
    return raw.toLowerCase();
  },
  topicPrefix: (raw: string): string => {
    if (raw !== '' && !/^[A-Za-z0-9._-]+$/.test(raw)) throw new Error('only letters, digits, ".", "_" and "-"');
    return raw;
  },
  containerName: (raw: string): string => {
    // Azure container naming rules: 3-63 chars, lowercase letters, digits and single hyphens.
    if (!/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(raw)) throw new Error(`"${raw}" is not a valid container name`);
    return raw;
  },
  timeOfDay: (raw: string): string => {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(raw)) throw new Error(`expected HH:MM, got "${raw}"`);
    return raw;
  },
  /** `X-Name=value;X-Other=value`: extra X- headers (at most 10, like Global Relay's custom headers). */
  xHeaders: (raw: string): { name: string; value: string }[] => {
    const items = raw.split(';').map((s) => s.trim()).filter(Boolean).map((item) => {
      const eq = item.indexOf('=');
      const name = eq > 0 ? item.slice(0, eq).trim() : '';
      const value = eq > 0 ? item.slice(eq + 1).trim() : '';
      if (!/^X-[A-Za-z0-9-]+$/i.test(name)) throw new Error(`"${item}": expected X-Name=value with a name starting X-`);
      if (!/^[\x20-\x7e]+$/.test(value)) throw new Error(`"${item}": the value must be printable ASCII`);
      return { name, value };
    });
    if (items.length > 10) throw new Error(`at most 10 headers, got ${items.length}`);
    return items;
  },
  email: (raw: string): string => {
    if (!EMAIL.test(raw)) throw new Error(`"${raw}" is not an email address`);
    return raw.toLowerCase();
  },
  /**
   * fastify's `trustProxy` (https://fastify.dev/docs/latest/Reference/Server/#trustproxy): false,
   * true (every hop), a hop count, or the proxies' addresses and CIDR ranges, comma-separated.
   */
  trustProxy: (raw: string): boolean | number | string => {
    const v = raw.trim();
    if (v === '' || /^(false|0|no)$/i.test(v)) return false;
    if (/^(true|yes)$/i.test(v)) return true;
    if (/^\d+$/.test(v)) return Number(v);
    const items = v.split(',').map((s) => s.trim()).filter(Boolean);
    for (const item of items) {
      const [address = '', bits, extra] = item.split('/');
      const family = isIP(address);
      const max = family === 4 ? 32 : 128;
      if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
        throw new Error(`expected false, true, a hop count or proxy addresses/CIDRs, got "${item}"`);
      }
    }
    return items.join(',');
  },
  /** Exactly `count` comma-separated whole seconds, each in 1..max, not decreasing (retry delays). */
  secondsList: (count: number, max: number) => (raw: string): number[] => {
    const items = raw.split(',').map((s) => s.trim());
    if (items.length !== count || items.some((s) => !/^\d+$/.test(s))) throw new Error(`expected ${count} comma-separated whole seconds, got "${raw}"`);
    const n = items.map(Number);
    if (n.some((x) => x < 1 || x > max)) throw new Error(`each delay must be 1..${max} seconds`);
    if (n.some((x, i) => i > 0 && x < n[i - 1]!)) throw new Error('delays must not decrease');
    return n;
  },
  intRange,
  oneOf,
  secret,
  template,
};
