import { Pool } from "./undici-pool.js";

/** Connection settings of every upstream pool. */
export interface PoolSettings {
  /** Most sockets open to one origin; null for no limit (each stream in flight holds one). */
  connections: number | null;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * No cap by default: a stream holds its socket for its whole length, so a cap queues streams behind each
 * other (measured: with 256, the 257th of 512 concurrent streams waited about a second for its first token).
 */
export const DEFAULT_POOL_SETTINGS: PoolSettings = {
  connections: null,
  keepAliveTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
};

/**
 * One keep-alive undici Pool per upstream origin, shared by the route tables that use it. A reload that keeps
 * an origin keeps its warm connections; the pool closes (gracefully, after its requests finish) when the last
 * table using it is retired.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, { pool: Pool; users: number }>();

  constructor(private readonly settings: PoolSettings = DEFAULT_POOL_SETTINGS) {}

  acquire(origin: string): Pool {
    let entry = this.pools.get(origin);
    if (entry === undefined) {
      const pool = new Pool(origin, {
        connections: this.settings.connections,
        keepAliveTimeout: this.settings.keepAliveTimeoutMs,
        connect: { timeout: this.settings.connectTimeoutMs },
      });
      entry = { pool, users: 0 };
      this.pools.set(origin, entry);
    }
    entry.users++;
    return entry.pool;
  }

  release(origin: string): void {
    const entry = this.pools.get(origin);
    if (entry === undefined) return;
    entry.users--;
    if (entry.users > 0) return;
    this.pools.delete(origin);
    entry.pool.close().catch(() => {
      // Closing only fails if already closed or destroyed; either way the pool is gone, which is the goal.
    });
  }

  async closeAll(): Promise<void> {
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(entries.map((entry) => entry.pool.close()));
  }
}
