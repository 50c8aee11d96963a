import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BaselineBuild, prepareBaseline, ROUND_ONE_END } from "./baseline-build.js";
import { BENCH_DIR, REPO_DIR, RESULTS_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { type BuildComparison, comparisonReport, type GroupResult } from "./build-comparison.js";
import { pinSelf, planCpus } from "./cpu-pinning.js";
import { runLoadApart } from "./load-apart.js";
import { sourceRevision } from "./machine-info.js";
import { serverCpuMs } from "./rss-tracker.js";
import { type HttpCall, instantCallOf, OLD_PATH_ROUTES } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";
import { meanWithError } from "./stats.js";

/**
 * The current build against an earlier commit's, on the same routes, CPU per request: the "before and after" of
 * a change to the hot path, and issue 19's "no scenario of this round's new features regresses the old paths".
 * The earlier commit is checked out in a temporary worktree and built (baseline-build.ts). Three groups of
 * `processes` gateways each (one worker, pinned like the main bench): the baseline on switchyard-old-paths.yaml,
 * the current build on the same file, and the current build with its per-request log lines off
 * (switchyard-old-paths-quiet.yaml).
 *
 * Every gateway is loaded at the same time, sharing the server core(s), each by a load generator process of its
 * own (load-apart.ts). The host's speed drifts by up to 2x from one few-second load to the next on a shared
 * machine (the same build measured 107 and 270 µs a request a minute apart, 2026-12-06): loads taken one after
 * another cannot tell that from a difference between builds. Taken together, the drift falls on every gateway
 * alike. Each round starts fresh gateways, since one process of a build can run 5-8% faster or slower than the
 * next for its whole life (memory layout, JIT decisions): the spread between rounds then holds that too, and the
 * error shown is honest. Each round compares the groups' means.
 * `npm run bench:compare [-- --baseline 060c5f4 --routes openai,anthropic --rounds 8 --seconds 3 --processes 1
 * --connections 16 --json FILE]`; `npm run bench` runs it at its end.
 */

const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: ROUND_ONE_END },
    routes: { type: "string", default: "openai,anthropic" },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
    processes: { type: "string", default: "1" },
    connections: { type: "string", default: "16" },
    json: { type: "string" },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const PROCESSES = Number(values.processes);
const CONNECTIONS = Number(values.connections);
/** Seconds of load, in loads of SECONDS taking the routes in turn, before a round's gateways are measured. */
const WARM_UP_SECONDS = 18;
/** Above the ports of the main bench (18100-18104), so the mock upstream it starts is shared. */
const FIRST_PORT = 18110;
const routes = values.routes.split(",").map((name) => {
  const route = OLD_PATH_ROUTES[name.trim()];
  if (route === undefined)
    throw new Error(`--routes takes ${Object.keys(OLD_PATH_ROUTES).join(", ")} (got '${name}')`);
  return { label: route.label, call: instantCallOf(route.scenario) };
});

type Gateway = { server: ServerProcess; origin: string };

interface Group {
  label: string;
  dir: string;
  config: string;
  gateways: Gateway[];
  /** Per route, CPU µs per request of each round: the mean over the group's processes. */
  rounds: number[][];
}

/** CPU µs per answered request (the worker and the primary) over one load of SECONDS, at CONNECTIONS. */
async function measure(gateway: Gateway, call: HttpCall): Promise<number> {
  const before = serverCpuMs(gateway.server);
  const load = await runLoadApart(gateway.origin, call, { connections: CONNECTIONS, durationS: SECONDS });
  const answered = load.totalRequests - load.non2xx - load.errors;
  if (answered <= 0 || load.non2xx > 0) throw new Error(`${gateway.origin} answered ${load.non2xx} non-2xx`);
  return ((serverCpuMs(gateway.server) - before) * 1000) / answered;
}

const cpu = planCpus();
pinSelf(cpu.loadCores);
process.stderr.write(`[bench:compare] building ${values.baseline} in a temporary worktree\n`);
const baseline: BaselineBuild = prepareBaseline(REPO_DIR, values.baseline);
for (const pin of baseline.changedPins)
  process.stderr.write(
    `[bench:compare] warning: the baseline pins another version (it runs on this checkout's): ${pin}\n`,
  );
// The worktree goes even when the mock cannot start (a port left taken by an earlier run).
const stack = await startStack({ cpu, workers: 1, servers: ["mock"] }).catch((error: unknown) => {
  baseline.remove();
  throw error;
});
const current = sourceRevision(REPO_DIR);
const groups: Group[] = [
  { label: `baseline ${baseline.commit}`, dir: baseline.dir, config: "switchyard-old-paths.yaml" },
  { label: `current ${current}`, dir: REPO_DIR, config: "switchyard-old-paths.yaml" },
  {
    label: `current ${current}, access and usage log lines off`,
    dir: REPO_DIR,
    config: "switchyard-old-paths-quiet.yaml",
  },
].map((group) => ({ ...group, gateways: [], rounds: routes.map(() => []) }));
/** Starts a fresh set of gateways: `processes` per group, one worker each, on the server core(s). */
async function startGateways(): Promise<void> {
  let port = FIRST_PORT;
  for (const group of groups) {
    group.gateways = [];
    for (let index = 0; index < PROCESSES; index++, port++) {
      const server = await startServer(
        {
          name: `compare-${port}`,
          command: process.execPath,
          args: switchyardArgs(port, 1, group.dir, join(BENCH_DIR, group.config)),
          cores: cpu.serverCores,
          ready: /Switchyard \S+ listening on/,
          clustered: true,
        },
        join(RESULTS_DIR, "logs"),
      );
      group.gateways.push({ server, origin: `http://127.0.0.1:${port}` });
    }
  }
}

async function stopGateways(): Promise<void> {
  for (const group of groups) await Promise.all(group.gateways.map((gateway) => gateway.server.stop()));
}

try {
  for (let round = 0; round < ROUNDS; round++) {
    await startGateways();
    const gateways = groups.flatMap((group) => group.gateways);
    // Warm-up, not counted: connection pools, and the JIT, whose compiler threads share the pinned core and
    // count in a process's CPU time. Three gateways sharing a core came down to their steady cost after about
    // 18 s of load, at 5x it before (2026-12-06).
    for (let load = 0; load * SECONDS < WARM_UP_SECONDS; load++) {
      const call = (routes[load % routes.length] as (typeof routes)[number]).call;
      await Promise.all(gateways.map((gateway) => measure(gateway, call)));
    }
    for (const [index, route] of routes.entries()) {
      const measured = await Promise.all(gateways.map((gateway) => measure(gateway, route.call)));
      let first = 0;
      for (const group of groups) {
        const own = measured.slice(first, first + group.gateways.length);
        first += group.gateways.length;
        group.rounds[index]?.push(meanWithError(own).mean);
      }
    }
    await stopGateways();
    process.stderr.write(`[bench:compare] round ${round + 1} of ${ROUNDS}\n`);
  }
  const comparison: BuildComparison = {
    baseline: baseline.commit,
    current,
    settings: { rounds: ROUNDS, seconds: SECONDS, processes: PROCESSES, connections: CONNECTIONS },
    pinning: cpu.description,
    routes: routes.map((route, index) => ({
      label: route.label,
      groups: groups.map(
        (group): GroupResult => ({ label: group.label, cpuUsPerRound: group.rounds[index] ?? [] }),
      ),
    })),
  };
  const report = comparisonReport(comparison);
  process.stdout.write(report);
  writeFileSync(join(RESULTS_DIR, "compare-latest.md"), report);
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(comparison, null, 2)}\n`);
} finally {
  await stopGateways();
  await stack.stop();
  baseline.remove();
}
