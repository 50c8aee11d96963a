import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSoakOptions } from "./bench-options.js";
import { RESULTS_DIR, startStack } from "./bench-stack.js";
import { pinSelf, planCpus } from "./cpu-pinning.js";
import { runLoad } from "./load-generator.js";
import { describeMachine, machineInfo } from "./machine-info.js";
import { readRss } from "./rss-tracker.js";
import { SCENARIOS } from "./scenarios.js";
import { leastSquaresSlope, rounded } from "./stats.js";

/**
 * `npm run bench:soak -- --minutes N`: steady load on Switchyard for N minutes, split over its OpenAI API
 * (pass-through) and MLflow API (translated, Anthropic upstream) paths, sampling each worker's RSS every few
 * seconds. It reports RSS over time and its least-squares slope in MiB per minute, over the whole run and over
 * its second half (after start-up growth such as JIT code and pools has settled).
 */

interface Sample {
  atS: number;
  rssMiB: Record<string, number>;
}

const progress = (message: string): void => {
  process.stderr.write(`[soak] ${message}\n`);
};

function slopes(samples: readonly Sample[], pid: string): { all: number; secondHalf: number } {
  const points = samples.flatMap((sample) =>
    sample.rssMiB[pid] === undefined ? [] : [{ x: sample.atS / 60, y: sample.rssMiB[pid] }],
  );
  return {
    all: leastSquaresSlope(points),
    secondHalf: leastSquaresSlope(points.slice(Math.floor(points.length / 2))),
  };
}

async function main(): Promise<void> {
  const options = parseSoakOptions(process.argv.slice(2));
  const cpu = planCpus();
  const machine = machineInfo();
  pinSelf(cpu.loadCores);
  const workers = options.workers ?? cpu.defaultWorkers;
  progress(`${describeMachine(machine)}; ${cpu.description}; Switchyard workers: ${workers}`);
  const stack = await startStack({
    cpu,
    workers,
    servers: ["mock", "switchyard"],
    switchyardDir: options.switchyardDir,
  });
  try {
    const switchyard = stack.running.get("switchyard");
    if (switchyard === undefined) throw new Error("Switchyard did not start");
    const durationS = options.minutes * 60;
    const paths = SCENARIOS.filter((scenario) =>
      ["switchyard-openai-api-openai", "switchyard-mlflow-api-anthropic"].includes(scenario.id),
    );
    const origin = "http://127.0.0.1:18103";
    const connections = Math.max(1, Math.floor(options.connections / paths.length));
    progress(
      `${options.minutes} min at ${connections * paths.length} connections over ${paths.map((p) => p.id).join(", ")}`,
    );

    const samples: Sample[] = [];
    const start = performance.now();
    const sample = (): void => {
      const atS = (performance.now() - start) / 1000;
      samples.push({ atS, rssMiB: readRss(switchyard.servingPids()) });
      const last = samples[samples.length - 1];
      if (samples.length % 12 === 1 && last !== undefined) {
        const text = Object.entries(last.rssMiB).map(([pid, mib]) => `${pid}: ${mib.toFixed(1)} MiB`);
        progress(`${Math.round(atS)} s: ${text.join(", ")}`);
      }
    };
    sample();
    const timer = setInterval(sample, options.sampleSeconds * 1000);
    const loads = await Promise.all(
      paths.map((scenario) => runLoad(origin, scenario.call("instant"), { connections, durationS })),
    );
    clearInterval(timer);
    sample();

    const pids = [...new Set(samples.flatMap((item) => Object.keys(item.rssMiB)))];
    const perWorker = pids.map((pid) => {
      const series = samples.flatMap((item) => (item.rssMiB[pid] === undefined ? [] : [item.rssMiB[pid]]));
      const slope = slopes(samples, pid);
      return {
        pid: Number(pid),
        startMiB: rounded(series[0] ?? Number.NaN, 1),
        endMiB: rounded(series[series.length - 1] ?? Number.NaN, 1),
        maxMiB: rounded(Math.max(...series), 1),
        slopeMiBPerMinute: rounded(slope.all, 3),
        slopeSecondHalfMiBPerMinute: rounded(slope.secondHalf, 3),
      };
    });
    const requests = loads.reduce((sum, load) => sum + load.totalRequests, 0);
    const failed = loads.reduce((sum, load) => sum + load.non2xx + load.errors, 0);
    const lines = [
      `Soak: ${options.minutes} min, ${requests.toLocaleString("en-US")} requests (${Math.round(requests / durationS).toLocaleString("en-US")} req/s), ${failed} failed; machine: ${describeMachine(machine)}; workers: ${workers}.`,
      "",
      "| worker pid | RSS start MiB | RSS end MiB | RSS max MiB | slope MiB/min (all) | slope MiB/min (second half) |",
      "| --- | --- | --- | --- | --- | --- |",
      ...perWorker.map(
        (worker) =>
          `| ${worker.pid} | ${worker.startMiB} | ${worker.endMiB} | ${worker.maxMiB} | ${worker.slopeMiBPerMinute} | ${worker.slopeSecondHalfMiBPerMinute} |`,
      ),
    ];
    mkdirSync(RESULTS_DIR, { recursive: true });
    const out = options.out ?? join(RESULTS_DIR, "soak-latest.json");
    const result = {
      date: new Date().toISOString(),
      machine,
      pinning: cpu.description,
      options,
      requests,
      failed,
      perWorker,
      samples,
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${lines.join("\n")}\n\nWritten: ${out}\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[soak] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
