import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RoundData, summarise } from "./aggregate.js";
import { parseBenchOptions } from "./bench-options.js";
import { REPO_DIR, RESULTS_DIR, startStack } from "./bench-stack.js";
import { allCores, onCores, pinSelf, planCpus } from "./cpu-pinning.js";
import { describeMachine, machineInfo, sourceRevision } from "./machine-info.js";
import { describeLoad, readMachineLoad, startForeignCpuMeter, waitForQuiet } from "./machine-load.js";
import {
  concurrentRound,
  latencyRound,
  type Settings,
  sustainedRound,
  throughputRound,
  ttftRound,
  warmUpStreams,
} from "./measure-phases.js";
import { cpuTimeMs } from "./proc-stats.js";
import { profileTable, summariseBusiestProfile } from "./profile-summary.js";
import {
  concurrentTable,
  latencyTable,
  rssTable,
  streamingTable,
  sustainedTable,
  targetsTable,
  throughputTable,
} from "./report-table.js";
import { RssTracker, serverCpuMs } from "./rss-tracker.js";
import {
  baselineOf,
  isSwitchyard,
  PACING,
  SCENARIOS,
  type Scenario,
  type ServerName,
  UPSTREAM_DELAY,
} from "./scenarios.js";
import { smokeTest } from "./smoke-test.js";
import { checkTargets } from "./targets.js";

/**
 * `npm run bench`: starts the mock upstream, the bare proxy, Portkey and Switchyard on loopback, measures them
 * interleaved over several rounds, writes bench/results/latest.json (and latest.md) and prints the tables.
 */

/** Streams per streaming scenario at the warm-up: enough for the JIT to compile the stream path. */
const STREAM_WARMUP = 128;

const startedAt = performance.now();
const progress = (message: string): void => {
  process.stderr.write(`[bench ${Math.round((performance.now() - startedAt) / 1000)} s] ${message}\n`);
};

function selectScenarios(only: string[], portkey: boolean): Scenario[] {
  const wanted = new Set(only.length === 0 ? SCENARIOS.map((scenario) => scenario.id) : only);
  for (const scenario of SCENARIOS) {
    if (!wanted.has(scenario.id)) continue;
    wanted.add(baselineOf(scenario));
    wanted.add("proxy-openai");
    if (portkey) wanted.add(`portkey-${scenario.upstream}`);
  }
  return SCENARIOS.filter(
    (scenario) => wanted.has(scenario.id) && (portkey || scenario.server !== "portkey"),
  );
}

/** The same scenarios, starting at a different one each round, so no scenario always runs first or last. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const cpu = planCpus();
  const machine = machineInfo();
  const revision = sourceRevision(options.switchyardDir ?? REPO_DIR);
  pinSelf(cpu.loadCores);
  const workers = options.workers ?? cpu.defaultWorkers;
  const settings: Settings = { ...options.settings, workers };
  const loadBefore = await waitForQuiet(options.waitQuietS, progress);
  progress(`${describeMachine(machine)}; ${cpu.description}; Switchyard workers: ${workers}`);

  const selected = selectScenarios(options.only, options.portkey);
  const servers = [...new Set<ServerName>(["mock", ...selected.map((scenario) => scenario.server)])];
  const profileDir = options.profile
    ? join(RESULTS_DIR, "profiles", new Date().toISOString().replace(/[:.]/g, "-"))
    : undefined;
  const stack = await startStack({ cpu, workers, servers, switchyardDir: options.switchyardDir, profileDir });
  const unavailable: Record<string, string> = {};
  for (const [name, reason] of stack.unavailable) unavailable[name] = reason;
  if (!options.portkey) unavailable.portkey = "skipped (--no-portkey)";
  let sinceSwitchyardStartMs = 0;
  try {
    const ownCpuMs = () =>
      (cpuTimeMs(process.pid) ?? 0) +
      [...stack.running.values()].reduce((sum, server) => sum + serverCpuMs(server), 0);
    const stopForeignMeter = startForeignCpuMeter(ownCpuMs);
    const rss = new RssTracker();
    for (const server of stack.running.values()) rss.recordIdle(server);
    const scenarios: Scenario[] = [];
    for (const scenario of selected) {
      const reason = stack.running.has(scenario.server)
        ? await smokeTest(scenario)
        : (unavailable[scenario.server] ?? "server not started");
      if (reason === undefined) scenarios.push(scenario);
      else {
        unavailable[scenario.id] = reason;
        progress(`unavailable: ${scenario.id}: ${reason}`);
      }
    }
    const serverOf = (scenario: Scenario) => {
      const server = stack.running.get(scenario.server);
      if (server === undefined) throw new Error(`${scenario.server} is not running`);
      return server;
    };
    const streaming = scenarios.filter((scenario) => scenario.streams);
    // Quick runs keep the 512-stream test to the servers it judges (the bare proxy and Switchyard): the direct
    // calls and Portkey take the longest there and judge nothing.
    const concurrentStreaming = settings.quick
      ? streaming.filter((scenario) => scenario.server === "proxy" || isSwitchyard(scenario))
      : streaming;
    if (settings.throughputWarmupS > 0) {
      progress(`warm-up: ${settings.throughputWarmupS} s per scenario at 32 connections`);
      await throughputRound(scenarios, 32, settings.throughputWarmupS, serverOf, undefined);
      progress(`warm-up: ${STREAM_WARMUP} concurrent streams per streaming scenario, twice`);
      await warmUpStreams(concurrentStreaming, STREAM_WARMUP);
      await warmUpStreams(concurrentStreaming, STREAM_WARMUP);
    }

    // The profile's start-up part (module loading, config) is left out of its summary.
    sinceSwitchyardStartMs = performance.now() - (stack.running.get("switchyard")?.startedAt ?? 0);
    const rounds: RoundData[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const order = rotate(scenarios, round);
      const label = `round ${round + 1}/${settings.rounds}`;
      progress(`${label}: latency at 1 connection`);
      const latency = await latencyRound(order, settings, round === 0);
      const throughput: RoundData["throughput"] = {};
      for (const connections of settings.connections) {
        progress(`${label}: throughput at ${connections} connections`);
        throughput[String(connections)] = await throughputRound(
          order,
          connections,
          settings.throughputDurationS,
          serverOf,
          rss,
        );
      }
      progress(`${label}: time to first token, ${settings.ttftStreams} paced streams each`);
      const ttft = await ttftRound(rotate(streaming, round), settings);
      progress(`${label}: concurrent paced streams, ${settings.concurrentLevels.join(", ")}`);
      const concurrent = await concurrentRound(rotate(concurrentStreaming, round), settings, serverOf, rss);
      // The stepped search is the longest measurement: once per run, in the first round.
      let sustained: RoundData["sustained"];
      if (round === 0) {
        progress(
          `${label}: sustained throughput against the ${UPSTREAM_DELAY.delayMs} ms upstream (stepped search)`,
        );
        // Quick runs search only the servers it judges; a full run also searches the direct calls (the ceiling
        // of the load generator and mock on their core).
        const searched = settings.quick ? order.filter((scenario) => scenario.server !== "mock") : order;
        sustained = await sustainedRound(searched, settings, serverOf, rss, progress);
      }
      rounds.push({ latency, throughput, ttft, concurrent, ...(sustained !== undefined && { sustained }) });
    }
    // Memory after the load, once the servers have been idle for a moment.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const server of stack.running.values()) rss.recordAfter(server);

    const machineLoad = {
      before: loadBefore,
      after: readMachineLoad(),
      otherProcessesCores: stopForeignMeter(),
    };
    const summaries = summarise(scenarios, rounds);
    const topLevel = Math.max(...settings.concurrentLevels);
    const checks = checkTargets(summaries, topLevel, rss);
    const levels = settings.connections.map(String);
    const markdown = [
      `Machine: ${describeMachine(machine)}. Pinning: ${cpu.description}. Switchyard workers: ${workers}. Other processes used ${machineLoad.otherProcessesCores ?? "?"} cores on average during the run (before it: ${describeLoad(machineLoad.before)}).`,
      `Switchyard: ${revision}. Mode: ${settings.quick ? "quick" : "full"}, ${settings.rounds} round(s), medians over rounds; added = minus the direct call to the same upstream in the same round.`,
      "",
      "Latency at 1 connection, instant upstream (added: minus the direct call; over proxy: minus the bare proxy's added, same round):",
      "",
      latencyTable(summaries),
      "",
      "Throughput, closed loop, instant upstream; CPU µs per request of the server's processes:",
      "",
      throughputTable(summaries, levels),
      "",
      `Sustained throughput against a ${UPSTREAM_DELAY.delayMs} ms upstream: the highest open-loop rate with p99 < 1 s, < 0.1% errors and at least 95% of the rate served (stepped search: doubling, then ${settings.sustained.refinements} bisection step(s); ${settings.sustained.stepS} s steps):`,
      "",
      sustainedTable(summaries),
      "",
      `Streams of ${PACING.ttft.chunks} deltas ${PACING.ttft.intervalMs} ms apart, one at a time (percentiles over all rounds; per token: the gap after the token before it, as the client sees it):`,
      "",
      streamingTable(summaries),
      "",
      `Concurrent streams of ${PACING.concurrent.chunks} chunks ${PACING.concurrent.intervalMs} ms apart, each on its own connection (a stall: a silence over ${settings.stallGapMs} ms; worst round; a path stops at its first level that is not stall-free):`,
      "",
      concurrentTable(summaries, settings.concurrentLevels),
      "",
      rssTable(rss),
      "",
      targetsTable(checks),
      ...Object.entries(unavailable).map(([name, reason]) => `\nUnavailable: ${name}: ${reason}`),
    ].join("\n");

    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = options.out ?? join(RESULTS_DIR, "latest.json");
    const results = {
      date: new Date().toISOString(),
      machine,
      pinning: cpu.description,
      machineLoad,
      switchyardDir: options.switchyardDir ?? null,
      revision,
      settings,
      unavailable,
      summaries,
      targets: checks,
      rss: {
        idleMiB: Object.fromEntries(rss.idle),
        afterMiB: Object.fromEntries(rss.after),
        primaryIdleMiB: Object.fromEntries(rss.primaryIdle),
        primaryAfterMiB: Object.fromEntries(rss.primaryAfter),
        peakUnderLoadMiB: Object.fromEntries(
          [...rss.underLoad].map(([kind, byServer]) => [kind, Object.fromEntries(byServer)]),
        ),
      },
      rounds,
    };
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(out.replace(/\.json$/, ".md"), `${markdown}\n`);
    process.stdout.write(`${markdown}\n\nWritten: ${out}\n`);
  } finally {
    await stack.stop();
  }
  if (profileDir !== undefined) {
    const profile = summariseBusiestProfile(profileDir, sinceSwitchyardStartMs);
    process.stdout.write(
      profile === undefined ? `No profile in ${profileDir}\n` : `\n${profileTable(profile)}\n`,
    );
  }
  if (options.compare !== undefined)
    compareOldPaths(options.compare, options.out ?? join(RESULTS_DIR, "latest.json"), cpu.pinned);
}

/**
 * The old paths against an earlier commit's build (compare-builds.ts, in its own process once this run's servers
 * are gone: it starts its own on the same ports), added to this run's results. A run where it cannot be done
 * (not a git checkout, a commit not in the history) says why instead.
 */
function compareOldPaths(commit: string, out: string, pinned: boolean): void {
  progress(`the old paths against ${commit} (bench:compare; npm run bench -- --no-compare skips it)`);
  const json = join(RESULTS_DIR, "compare-latest.json");
  rmSync(json, { force: true });
  // Unpinned from the load core this process runs on, so that it can pin its gateways to the others itself.
  const [command, args] = onCores(pinned ? allCores() : undefined, process.execPath, [
    join(dirname(fileURLToPath(import.meta.url)), "compare-builds.js"),
    "--baseline",
    commit,
    "--json",
    json,
  ]);
  const run = spawnSync(command, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
  const markdown = out.replace(/\.json$/, ".md");
  const results = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  if (run.status === 0 && existsSync(json)) {
    results.compare = JSON.parse(readFileSync(json, "utf8"));
    appendFileSync(markdown, `\n${run.stdout}`);
    process.stdout.write(`\n${run.stdout}`);
  } else {
    const reason = `the comparison with ${commit} failed (exit ${run.status}; its errors are above)`;
    results.compare = { error: reason };
    appendFileSync(markdown, `\nUnavailable: ${reason}\n`);
    process.stdout.write(`\nUnavailable: ${reason}\n`);
  }
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
