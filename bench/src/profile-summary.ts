import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a server's CPU time goes, from the .cpuprofile files `node --cpu-prof` writes at exit: self time per
 * function and per origin (a package in node_modules, Node's internals, the project's own dist/).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  selfMs: number;
  /** Share of the profile's busy time (idle excluded). */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  topFunctions: SelfTime[];
  byOrigin: SelfTime[];
}

function originOf(url: string): string {
  if (url === "") return "(native / V8)";
  if (url.startsWith("node:")) return "node internals";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] as string;
  const project = /\/dist\/([^/]+)\//.exec(url);
  return project ? `switchyard dist/${project[1]}` : url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, "$1/");
}

function rank(totals: Map<string, number>, busyMs: number, limit: number): SelfTime[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, selfMs]) => ({
      name,
      selfMs: Math.round(selfMs),
      percent: Math.round((selfMs / busyMs) * 1000) / 10,
    }));
}

/** Self times of the samples taken `skipMs` or more after the profile started (start-up left out). */
export function summariseProfile(file: string, skipMs = 0, limit = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    elapsedUs += delta;
    if (elapsedUs >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const functions = new Map<string, number>();
  const origins = new Map<string, number>();
  let busyMs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === "(idle)") continue;
    const ms = us / 1000;
    busyMs += ms;
    const name = `${frame.functionName || "(anonymous)"} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const origin = frame.url === "" ? frame.functionName : originOf(frame.url);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
  }
  return {
    file,
    busyMs: Math.round(busyMs),
    topFunctions: rank(functions, busyMs, limit),
    byOrigin: rank(origins, busyMs, 15),
  };
}

/** The busiest profile in `dir` (a cluster's workers each write one; the primary's is mostly idle). */
export function summariseBusiestProfile(dir: string, skipMs = 0): ProfileSummary | undefined {
  const files = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
  const summaries = files.map((name) => summariseProfile(join(dir, name), skipMs));
  return summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
}

export function profileTable(summary: ProfileSummary): string {
  const rows = (items: SelfTime[]) =>
    items.map((item) => `| ${item.name} | ${item.selfMs} | ${item.percent}% |`);
  return [
    `CPU profile ${summary.file}: ${summary.busyMs} ms busy while measured (start-up left out).`,
    "",
    "| origin | self ms | share |",
    "| --- | --- | --- |",
    ...rows(summary.byOrigin),
    "",
    "| function | self ms | share |",
    "| --- | --- | --- |",
    ...rows(summary.topFunctions),
  ].join("\n");
}
