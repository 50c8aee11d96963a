import { childPids, cpuTimeMs, rssMiB } from "./proc-stats.js";
import type { ServerProcess } from "./server-process.js";

/**
 * Resident memory of each serving process (a cluster's workers, else the server itself): idle, and the
 * highest seen while it is under load (sampled every 200 ms while a measurement runs).
 */
export type RssByPid = Record<string, number>;

export class RssTracker {
  readonly idle = new Map<string, RssByPid>();
  readonly underLoad = new Map<string, RssByPid>();

  recordIdle(server: ServerProcess): void {
    this.idle.set(server.name, readRss(server.servingPids()));
  }

  /** Samples `server` until the returned function is called. */
  sampleWhile(server: ServerProcess): () => void {
    const peaks = this.underLoad.get(server.name) ?? {};
    this.underLoad.set(server.name, peaks);
    const sample = (): void => {
      for (const [pid, mib] of Object.entries(readRss(server.servingPids()))) {
        peaks[pid] = Math.max(peaks[pid] ?? 0, mib);
      }
    };
    sample();
    const timer = setInterval(sample, 200);
    return () => {
      clearInterval(timer);
      sample();
    };
  }
}

export function readRss(pids: readonly number[]): RssByPid {
  const byPid: RssByPid = {};
  for (const pid of pids) {
    const mib = rssMiB(pid);
    if (mib !== undefined) byPid[String(pid)] = mib;
  }
  return byPid;
}

/** CPU time (ms) used so far by a server and all its processes (a cluster primary and its workers). */
export function serverCpuMs(server: ServerProcess): number {
  let total = 0;
  for (const pid of [server.pid, ...childPids(server.pid)]) total += cpuTimeMs(pid) ?? 0;
  return total;
}
