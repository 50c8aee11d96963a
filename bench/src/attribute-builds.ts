import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { prepareBaseline, ROUND_ONE_END } from "./baseline-build.js";
import { BENCH_DIR, REPO_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { onCores, pinSelf, planCpus } from "./cpu-pinning.js";
import { runLoadApart } from "./load-apart.js";
import { sourceRevision } from "./machine-info.js";
import { type Attribution, attributeSamples, attributionDiffTable, totalOf } from "./perf-attribution.js";
import { instantCallOf, OLD_PATH_ROUTES } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";

/**
 * Where the current build spends more (or less) CPU than an earlier commit's, function by function: both builds
 * run on the old paths' config (bench:compare's), are loaded at the same time on the server core (so the host's
 * drifts fall on both), and are sampled by Linux `perf` with call stacks; each sample is charged to the innermost
 * frame of Switchyard's own code (perf-attribution.ts), per request. Needs `perf` (Debian: linux-perf).
 * `npm run bench:attribute [-- --baseline 060c5f4 --route openai|anthropic --seconds 10 --connections 16
 * --lines-off --rows 40]`; `--lines-off` runs the current build with the access log and the usage log's stdout
 * sink off.
 */

const { values } = parseArgs({
  options: {
    baseline: { type: "string", default: ROUND_ONE_END },
    route: { type: "string", default: "openai" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    "lines-off": { type: "boolean", default: false },
    rows: { type: "string", default: "40" },
  },
});
const route = OLD_PATH_ROUTES[values.route];
if (route === undefined) throw new Error(`--route takes ${Object.keys(OLD_PATH_ROUTES).join(" or ")}`);
const call = instantCallOf(route.scenario);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
/** perf's sampling rate: odd, so that it does not beat with the event loop's timers. */
const FREQUENCY_HZ = 1999;
/** As bench:compare: JIT threads share the pinned core and count in the CPU time until the code is compiled. */
const WARM_UP_SECONDS = 18;
const FIRST_PORT = 18130;

try {
  execFileSync("perf", ["--version"], { stdio: "ignore" });
} catch {
  process.stderr.write("bench:attribute needs Linux perf on the PATH (Debian: apt-get install linux-perf)\n");
  process.exit(1);
}

interface Build {
  label: string;
  dir: string;
  config: string;
  work: string;
  port: number;
  server?: ServerProcess;
  recorder?: ChildProcess;
  requests: number;
}

const cpu = planCpus();
pinSelf(cpu.loadCores);
process.stderr.write(`[bench:attribute] building ${values.baseline} in a temporary worktree\n`);
const baseline = prepareBaseline(REPO_DIR, values.baseline);
const work = mkdtempSync(join(tmpdir(), "switchyard-attribute-"));
const builds: Build[] = [
  {
    label: `current ${sourceRevision(REPO_DIR)}${values["lines-off"] ? ", access and usage log lines off" : ""}`,
    dir: REPO_DIR,
    config: values["lines-off"] ? "switchyard-old-paths-quiet.yaml" : "switchyard-old-paths.yaml",
    work: join(work, "current"),
    port: FIRST_PORT,
    requests: 0,
  },
  {
    label: `baseline ${baseline.commit}`,
    dir: baseline.dir,
    config: "switchyard-old-paths.yaml",
    work: join(work, "baseline"),
    port: FIRST_PORT + 1,
    requests: 0,
  },
];
const stack = await startStack({ cpu, workers: 1, servers: ["mock"] }).catch((error: unknown) => {
  baseline.remove();
  throw error;
});

async function loadTogether(seconds: number): Promise<number[]> {
  const loads = await Promise.all(
    builds.map((build) =>
      runLoadApart(`http://127.0.0.1:${build.port}`, call, {
        connections: CONNECTIONS,
        durationS: seconds,
      }),
    ),
  );
  return loads.map((load) => load.totalRequests - load.non2xx - load.errors);
}

function record(build: Build): ChildProcess {
  const server = build.server as ServerProcess;
  const pids = [...server.servingPids(), server.primaryPid].filter((pid) => pid !== undefined).join(",");
  const args = ["record", "-g", "-k", "mono", "-e", "cpu-clock", "-F", String(FREQUENCY_HZ), "-p", pids];
  const [command, commandArgs] = onCores(cpu.loadCores, "perf", [
    ...args,
    "-o",
    join(build.work, "perf.raw"),
  ]);
  return spawn(command, commandArgs, { stdio: "ignore" });
}

/** The samples with the JIT-ed functions named (`perf inject --jit` reads the dumps `--perf-prof` wrote). */
function attributionOf(build: Build): Attribution {
  execFileSync("perf", ["inject", "--jit", "-i", "perf.raw", "-o", "perf.data"], {
    cwd: build.work,
    stdio: "ignore",
  });
  const scriptFile = join(build.work, "perf.script");
  const output = openSync(scriptFile, "w");
  spawnSync("perf", ["script", "-F", "ip,sym", "-i", "perf.data"], {
    cwd: build.work,
    stdio: ["ignore", output, "ignore"],
  });
  closeSync(output);
  return attributeSamples(readFileSync(scriptFile, "utf8"), build.requests, FREQUENCY_HZ);
}

try {
  for (const [index, build] of builds.entries()) {
    mkdirSync(build.work, { recursive: true });
    build.server = await startServer(
      {
        name: `attribute-${index}`,
        command: process.execPath,
        args: [
          "--perf-prof",
          "--interpreted-frames-native-stack",
          ...switchyardArgs(build.port, 1, build.dir, join(BENCH_DIR, build.config)),
        ],
        cores: cpu.serverCores,
        ready: /Switchyard \S+ listening on/,
        clustered: true,
        cwd: build.work,
      },
      join(work, "logs"),
    );
  }
  for (let loaded = 0; loaded < WARM_UP_SECONDS; loaded += 6) await loadTogether(6);
  const recorders = builds.map((build) => {
    build.recorder = record(build);
    return new Promise((resolve) => build.recorder?.once("exit", resolve));
  });
  await delay(500);
  const answered = await loadTogether(SECONDS);
  for (const [index, build] of builds.entries()) {
    build.requests = answered[index] as number;
    build.recorder?.kill("SIGINT");
  }
  await Promise.all(recorders);
  for (const build of builds) await build.server?.stop();
  const [current, before] = builds.map(attributionOf) as [Attribution, Attribution];
  const [currentBuild, baselineBuild] = builds as [Build, Build];
  process.stdout.write(
    [
      `CPU µs per request charged to the innermost frame of Switchyard's own code (else a package, else the leaf;`,
      `"[kernel]": the part of it spent in the kernel), ${call.path} on the old paths' route "${values.route}",`,
      `${SECONDS} s at ${CONNECTIONS} connections per build, both loaded at the same time, sampled by perf at ${FREQUENCY_HZ} Hz`,
      `(with call stacks: the totals are above bench:compare's figures). ${cpu.description}.`,
      `Current: ${currentBuild.label}, ${currentBuild.requests} requests, ${totalOf(current).toFixed(1)} µs each.`,
      `Baseline: ${baselineBuild.label}, ${baselineBuild.requests} requests, ${totalOf(before).toFixed(1)} µs each.`,
      "",
      attributionDiffTable(current, before, Number(values.rows)),
      "",
    ].join("\n"),
  );
} finally {
  for (const build of builds) {
    build.recorder?.kill("SIGINT");
    await build.server?.stop();
  }
  await stack.stop();
  baseline.remove();
  rmSync(work, { recursive: true, force: true });
}
