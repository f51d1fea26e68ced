import { createPrng, type Prng } from './prng.js';

/**
 * Switchable faults. Each is off by default and set programmatically (`sim.faults.set`) or over
 * HTTP (`/_simulator/faults`). Counted faults are exact; probabilistic ones draw from a PRNG seeded
 * by `seed`, so a seeded run sees the same faults at the same requests every time.
 */
export interface FaultSettings {
  /** Seeds the PRNG for every probabilistic fault (default 1). Setting it restarts the sequence. */
  seed?: number;
  /** A 429 storm: the next `count` requests (or each with `probability`) get 429 + Retry-After. */
  storm?: { count?: number; probability?: number; retryAfter?: number; only?: string } | null;
  /** A per-token rate limit; over it, 429 with Retry-After until the window frees (docs/webex-api.md §3). */
  rateLimit?: { perMinute: number } | null;
  /** A 5xx burst: the next `count` requests (or each with `probability`) fail with `status`. */
  serverErrors?: { count?: number; probability?: number; status?: 500 | 502 | 503 | 504; only?: string } | null;
  /** The token lost a scope or the Compliance Officer role: the next `count` requests (or each with `probability`) get 403. */
  forbidden?: { count?: number; probability?: number; only?: string } | null;
  /** Every API response is delayed this many milliseconds. */
  delayMs?: number;
  /** Webhook deliveries silently not sent: the next `count`, or each with `probability`. */
  dropWebhooks?: { count?: number; probability?: number } | null;
  /** Every file answers 423 + Retry-After to its first `count` GETs (anti-malware scan in progress). */
  scanning?: { count: number; retryAfter?: number } | null;
  /**
   * Per-file states, keyed by content id or by `<messageKey>#<fileIndex>`:
   * `infected` (410), `unscannable` (428 unless ?allow=unscannable), or `{scanning: N}` (423 for N GETs).
   */
  files?: Record<string, 'infected' | 'unscannable' | { scanning: number; retryAfter?: number }>;
  /**
   * REST lagging webhooks: GET /messages/{id} answers 404 for the next `count` reads (or each with
   * `probability`), as right after a webhook in production (docs/webex-api.md §4, PYSDK #83).
   */
  restLag?: { count?: number; probability?: number } | null;
  /** File downloads trickle at this many bytes per second (peers report stalled downloads). */
  fileBytesPerSecond?: number;
  /** Next links carry `max=null`; the server answers such a request with 400 (PYSDK `_fix_next_url`). */
  maxNull?: boolean;
  /** Every list starts with an empty page that carries next. */
  emptyPages?: boolean;
}

export type FileFault = 'infected' | 'unscannable' | { scanning: number; retryAfter?: number };

/** Whether a counted-or-probable fault fires now; decrements the count when it does. */
function fires(f: { count?: number; probability?: number }, prng: Prng): boolean {
  if (f.count !== undefined && f.count > 0) {
    f.count -= 1;
    return true;
  }
  return f.probability !== undefined && f.probability > 0 && prng.chance(f.probability);
}

function matches(only: string | undefined, url: string): boolean {
  return only === undefined || url.includes(only);
}

export class Faults {
  private s: FaultSettings = {};
  private prng: Prng = createPrng(1);
  /** Request times per token inside the last minute, for the rate limit. */
  private readonly windows = new Map<string, number[]>();
  /** GETs each file has met since its scanning fault was set. */
  private readonly scanGets = new Map<string, number>();

  constructor(initial: FaultSettings = {}) {
    this.set(initial);
  }

  /** Merges settings; `null` (or `0`/`false`) switches a fault off. Returns the current settings. */
  set(patch: FaultSettings): FaultSettings {
    const copy = structuredClone(patch);
    if (copy.seed !== undefined) this.prng = createPrng(copy.seed);
    if (copy.files) {
      for (const k of Object.keys(copy.files)) this.scanGets.delete(`file:${k}`);
      copy.files = { ...this.s.files, ...copy.files };
    }
    if (copy.scanning !== undefined) for (const k of [...this.scanGets.keys()]) if (k.startsWith('all:')) this.scanGets.delete(k);
    this.s = { ...this.s, ...copy };
    return this.current();
  }

  /** Switches every fault off (the PRNG seed is kept). */
  clear(): FaultSettings {
    this.s = { seed: this.s.seed };
    this.windows.clear();
    this.scanGets.clear();
    return this.current();
  }

  current(): FaultSettings {
    return structuredClone(this.s);
  }

  get delayMs(): number {
    return this.s.delayMs ?? 0;
  }

  get paging(): { maxNull: boolean; emptyPages: boolean } {
    return { maxNull: this.s.maxNull === true, emptyPages: this.s.emptyPages === true };
  }

  /** Seconds to tell the client to wait if this request is throttled, else undefined. */
  throttle(token: string, url: string, nowMs: number): number | undefined {
    const storm = this.s.storm;
    if (storm && matches(storm.only, url) && fires(storm, this.prng)) return storm.retryAfter ?? 1;
    const limit = this.s.rateLimit;
    if (!limit || limit.perMinute <= 0) return undefined;
    const w = this.windows.get(token) ?? [];
    while (w.length > 0 && w[0]! <= nowMs - 60_000) w.shift();
    this.windows.set(token, w);
    if (w.length >= limit.perMinute) return Math.max(1, Math.ceil((w[0]! + 60_000 - nowMs) / 1000));
    w.push(nowMs);
    return undefined;
  }

  /** The 5xx status to answer with, if a burst is on and fires for this request. */
  serverError(url: string): number | undefined {
    const f = this.s.serverErrors;
    if (f && matches(f.only, url) && fires(f, this.prng)) return f.status ?? 503;
    return undefined;
  }

  /** True when this request is to be refused with 403 (a missing scope or role). */
  forbidden(url: string): boolean {
    const f = this.s.forbidden;
    return !!f && matches(f.only, url) && fires(f, this.prng);
  }

  restLag(): boolean {
    const f = this.s.restLag;
    return f ? fires(f, this.prng) : false;
  }

  get fileBytesPerSecond(): number {
    return this.s.fileBytesPerSecond ?? 0;
  }

  dropWebhook(): boolean {
    const f = this.s.dropWebhooks;
    return f ? fires(f, this.prng) : false;
  }

  /**
   * What a request for this file meets: undefined (serve it) or a fault. "Scanning for N GETs"
   * counts the GETs made since the fault was set; HEADs (`isGet` false) see the state but use none.
   */
  fileState(contentId: string, fixtureRef: string, isGet: boolean): FileFault | undefined {
    const ref = this.s.files?.[contentId] !== undefined ? contentId : fixtureRef;
    const f = this.s.files?.[ref];
    if (f === 'infected' || f === 'unscannable') return f;
    const scanning = f ?? (this.s.scanning ? { scanning: this.s.scanning.count, retryAfter: this.s.scanning.retryAfter } : undefined);
    if (!scanning) return undefined;
    const slot = f ? `file:${ref}` : `all:${contentId}`;
    const used = this.scanGets.get(slot) ?? 0;
    if (used >= scanning.scanning) return undefined;
    if (isGet) this.scanGets.set(slot, used + 1);
    return scanning;
  }
}
