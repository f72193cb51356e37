// What reached the sandbox's vendor and partner endpoints: counts per endpoint and status, faults injected, and a
// bounded log of recent requests. The log keeps the route pattern, never the URL, so no query value (names, emails
// in a directory lookup) is kept.

export interface EndpointStats {
  total: number;
  byStatus: Record<string, number>;
  faults: Record<string, number>;
}

export interface RequestLogEntry {
  at: string;
  requestId: string;
  method: string;
  endpoint: string | null;
  route: string;
  status: number | null;
  fault?: string;
  latencyMs: number;
}

const LOG_LIMIT = 1_000;

export class RequestLog {
  readonly #stats = new Map<string, EndpointStats>();
  #log: RequestLogEntry[] = [];

  record(entry: RequestLogEntry): void {
    const key = entry.endpoint ?? `${entry.method} ${entry.route}`;
    let stats = this.#stats.get(key);
    if (!stats) {
      stats = { total: 0, byStatus: {}, faults: {} };
      this.#stats.set(key, stats);
    }
    stats.total++;
    const status = entry.status === null ? 'none' : String(entry.status);
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (entry.fault) stats.faults[entry.fault] = (stats.faults[entry.fault] ?? 0) + 1;
    this.#log.push(entry);
    if (this.#log.length > LOG_LIMIT) this.#log = this.#log.slice(-LOG_LIMIT);
  }

  stats(): Record<string, EndpointStats> {
    return Object.fromEntries(
      [...this.#stats].map(([key, stats]) => [
        key,
        { total: stats.total, byStatus: { ...stats.byStatus }, faults: { ...stats.faults } },
      ]),
    );
  }

  recent(filter: { endpoint?: string; limit?: number } = {}): RequestLogEntry[] {
    const entries = filter.endpoint ? this.#log.filter((entry) => entry.endpoint === filter.endpoint) : this.#log;
    return entries.slice(-(filter.limit ?? 200)).map((entry) => ({ ...entry }));
  }
}
