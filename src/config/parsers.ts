/** Value parsers for configuration keys. Each throws a plain Error with a reason; the loader adds the key. */
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

const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;

export const parsers = {
  string: (raw: string): string => raw,
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
  intRange,
  oneOf,
  secret,
};
