import { childPids, cpuTimeMs, rssMiB } from "./proc-stats.js";
import type { ServerProcess } from "./server-process.js";

/**
 * Resident memory of each serving process (a cluster's workers, else the server itself): idle just after
 * start, the highest seen under each kind of load (sampled every 200 ms while a measurement runs), and after
 * the run; and a cluster primary's own, at start and after.
 */
export type RssByPid = Record<string, number>;
export type LoadKind = "throughput" | "sustained" | "streams";

export class RssTracker {
  readonly idle = new Map<string, RssByPid>();
  readonly after = new Map<string, RssByPid>();
  readonly primaryIdle = new Map<string, number>();
  readonly primaryAfter = new Map<string, number>();
  readonly underLoad = new Map<LoadKind, Map<string, RssByPid>>();

  recordIdle(server: ServerProcess): void {
    this.idle.set(server.name, readRss(server.servingPids()));
    const primary = server.primaryPid === undefined ? undefined : rssMiB(server.primaryPid);
    if (primary !== undefined) this.primaryIdle.set(server.name, primary);
  }

  recordAfter(server: ServerProcess): void {
    this.after.set(server.name, readRss(server.servingPids()));
    const primary = server.primaryPid === undefined ? undefined : rssMiB(server.primaryPid);
    if (primary !== undefined) this.primaryAfter.set(server.name, primary);
  }

  /** Samples `server` until the returned function is called. */
  sampleWhile(server: ServerProcess, kind: LoadKind): () => void {
    const byServer = this.underLoad.get(kind) ?? new Map<string, RssByPid>();
    this.underLoad.set(kind, byServer);
    const peaks = byServer.get(server.name) ?? {};
    byServer.set(server.name, peaks);
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
