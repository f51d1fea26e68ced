/**
 * What the simulator saw, for tests and the benchmark: how hard a client pushed (peak in-flight,
 * peak requests per second and per minute) and how often it was pushed back (429s, 5xx).
 */
export interface SimulatorStats {
  requests: number;
  /** Requests per route, e.g. `GET /v1/messages`. */
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  served429: number;
  served5xx: number;
  inFlight: number;
  maxInFlight: number;
  peakPerSecond: number;
  peakPerMinute: number;
  webhooks: { delivered: number; failed: number; dropped: number; disabled: number };
}

export class StatsRecorder {
  private s: SimulatorStats = StatsRecorder.empty();
  private second = { at: 0, n: 0 };
  private minute: number[] = [];

  static empty(): SimulatorStats {
    return {
      requests: 0, byRoute: {}, byStatus: {}, served429: 0, served5xx: 0, inFlight: 0, maxInFlight: 0,
      peakPerSecond: 0, peakPerMinute: 0, webhooks: { delivered: 0, failed: 0, dropped: 0, disabled: 0 },
    };
  }

  started(nowMs: number): void {
    const s = this.s;
    s.requests += 1;
    s.inFlight += 1;
    s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
    const sec = Math.floor(nowMs / 1000);
    if (this.second.at !== sec) this.second = { at: sec, n: 0 };
    this.second.n += 1;
    s.peakPerSecond = Math.max(s.peakPerSecond, this.second.n);
    this.minute.push(nowMs);
    while (this.minute.length > 0 && this.minute[0]! <= nowMs - 60_000) this.minute.shift();
    s.peakPerMinute = Math.max(s.peakPerMinute, this.minute.length);
  }

  finished(route: string, status: number): void {
    const s = this.s;
    s.inFlight = Math.max(0, s.inFlight - 1);
    s.byRoute[route] = (s.byRoute[route] ?? 0) + 1;
    s.byStatus[String(status)] = (s.byStatus[String(status)] ?? 0) + 1;
    if (status === 429) s.served429 += 1;
    if (status >= 500) s.served5xx += 1;
  }

  webhook(outcome: 'delivered' | 'failed' | 'dropped' | 'disabled'): void {
    this.s.webhooks[outcome] += 1;
  }

  snapshot(): SimulatorStats {
    return structuredClone(this.s);
  }

  reset(): void {
    this.s = StatsRecorder.empty();
    this.minute = [];
  }
}
