import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BaselineBuild, prepareBaseline } from "./baseline-build.js";
import { BENCH_DIR, REPO_DIR, RESULTS_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { pinSelf, planCpus } from "./cpu-pinning.js";
import { runLoad } from "./load-generator.js";
import { sourceRevision } from "./machine-info.js";
import { cpuTimeMs } from "./proc-stats.js";
import { instantCallOf } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";
import { addedPercent, meanWithError, median } from "./stats.js";

/**
 * The current build against an earlier commit's, on the same routes, CPU per request: the "before and after" of
 * a change to the hot path, and issue 19's "no scenario of this round's new features regresses the old paths".
 * The earlier commit is checked out in a temporary worktree and built (baseline-build.ts). Three groups of
 * `processes` gateways each (one worker, pinned like the main bench): the baseline on switchyard-old-paths.yaml,
 * the current build on the same file, and the current build with its per-request log lines off
 * (switchyard-old-paths-quiet.yaml). Rounds of a few seconds interleave every gateway, so the host's drifts fall
 * on all of them, and each round compares the means of the groups (one build varies by up to 8% from process to
 * process). `npm run bench:compare [-- --baseline 060c5f4 --route openai --rounds 8 --seconds 3 --processes 2
 * --connections 32]`.
 */

/** The last commit before the second round's features (issue 5's bench and fast path, 2026-11-25). */
const ROUND_ONE_END = "060c5f4";

const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: ROUND_ONE_END },
    route: { type: "string", default: "openai" },
    rounds: { type: "string", default: "8" },
    seconds: { type: "string", default: "3" },
    processes: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const PROCESSES = Number(values.processes);
const CONNECTIONS = Number(values.connections);
/** Above the ports of the main bench (18100-18104), so the mock upstream it starts is shared. */
const FIRST_PORT = 18110;
const ROUTES: Record<string, string> = {
  openai: "switchyard-openai-api-openai",
  anthropic: "switchyard-openai-api-anthropic",
};
const scenario = ROUTES[values.route];
if (scenario === undefined) throw new Error(`--route must be one of ${Object.keys(ROUTES).join(", ")}`);
const CALL = instantCallOf(scenario);

interface Group {
  label: string;
  dir: string;
  config: string;
  gateways: { server: ServerProcess; origin: string }[];
  /** CPU µs per request of each round, the mean over the group's processes. */
  rounds: number[];
}

function cpuMsOf(server: ServerProcess): number {
  const pids = [...server.servingPids(), ...(server.primaryPid === undefined ? [] : [server.primaryPid])];
  return pids.reduce((sum, pid) => sum + (cpuTimeMs(pid) ?? 0), 0);
}

/** CPU µs per answered request (the worker and the primary) over one load of SECONDS. */
async function measure(gateway: Group["gateways"][number]): Promise<number> {
  const before = cpuMsOf(gateway.server);
  const load = await runLoad(gateway.origin, CALL, { connections: CONNECTIONS, durationS: SECONDS });
  const answered = load.totalRequests - load.non2xx - load.errors;
  if (answered <= 0 || load.non2xx > 0) throw new Error(`${gateway.origin} answered ${load.non2xx} non-2xx`);
  return ((cpuMsOf(gateway.server) - before) * 1000) / answered;
}

const cpu = planCpus();
pinSelf(cpu.loadCores);
process.stderr.write(`building ${values.baseline} in a temporary worktree\n`);
const baseline: BaselineBuild = prepareBaseline(REPO_DIR, values.baseline);
for (const pin of baseline.changedPins)
  process.stderr.write(`warning: the baseline pins another version (it runs on this checkout's): ${pin}\n`);
const stack = await startStack({ cpu, workers: 1, servers: ["mock"] });
const current = sourceRevision(REPO_DIR);
const groups: Group[] = [
  [`baseline ${baseline.commit}`, baseline.dir, "switchyard-old-paths.yaml"],
  [`current ${current}`, REPO_DIR, "switchyard-old-paths.yaml"],
  [`current ${current}, access and usage log lines off`, REPO_DIR, "switchyard-old-paths-quiet.yaml"],
].map(([label, dir, config]) => ({
  label: label as string,
  dir: dir as string,
  config: config as string,
  gateways: [],
  rounds: [],
}));
try {
  let port = FIRST_PORT;
  for (const group of groups) {
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
  // One load each first: JIT warm-up and connection pools.
  for (const group of groups) for (const gateway of group.gateways) await measure(gateway);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating the order, so that no group always follows another.
    for (const group of round % 2 === 0 ? groups : [...groups].reverse()) {
      const measured: number[] = [];
      for (const gateway of group.gateways) measured.push(await measure(gateway));
      group.rounds.push(meanWithError(measured).mean);
    }
    process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  }
  const base = groups[0] as Group;
  const lines = [
    `Route ${values.route} (OpenAI API), ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, ` +
      `${PROCESSES} gateway processes per build (one worker each); ${cpu.description}.`,
    "",
    "| build | CPU µs per request (median of rounds) | against the baseline (mean ± standard error) |",
    "|---|---|---|",
    ...groups.map((group) => {
      const ratios = group.rounds.map((cpuUs, index) => cpuUs / (base.rounds[index] as number));
      const against = group === base ? "" : addedPercent(ratios);
      return `| ${group.label} | ${median(group.rounds).toFixed(1)} | ${against} |`;
    }),
  ];
  const report = `${lines.join("\n")}\n`;
  process.stdout.write(report);
  writeFileSync(join(RESULTS_DIR, "compare-latest.md"), report);
} finally {
  for (const group of groups) await Promise.all(group.gateways.map((gateway) => gateway.server.stop()));
  await stack.stop();
  baseline.remove();
}
