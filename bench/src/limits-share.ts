import { join } from "node:path";
import { parseArgs } from "node:util";
import { RESULTS_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { pinSelf, planCpus } from "./cpu-pinning.js";
import { probeLatency } from "./latency-probe.js";
import { runLoad } from "./load-generator.js";
import { serverCpuMs } from "./rss-tracker.js";
import { type HttpCall, instantCallOf } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";
import { addedPercent, meanWithError, median, percentile } from "./stats.js";

/**
 * What five limits (embedded store, never reached) add to a request's CPU, the "within 10%" target,
 * measured two ways, because on a shared VM neither alone is steady (docs/limits-and-budgets.md):
 * - in one process: each of `processes` gateways serves the route with limits and the one without, alternately,
 *   and each round compares the two in the same process (same JIT state, same heap);
 * - across processes: `processes` gateways serve only the route without limits and as many only the one with,
 *   and each round compares the means of the two groups (one build varies by up to 8% between processes).
 * Rounds of a few seconds interleave everything, so the host's slow drifts fall on both sides. Prints each
 * method's mean of the per-round ratios with its standard error, and the median CPU µs per request (the worker
 * and the primary). With `--connections 1` (the condition) the load is one request at a time on one
 * connection, timed to the microsecond (latency-probe.ts), and the added p99 is compared the same way.
 * `npm run bench:limits-share [-- --rounds 10 --seconds 3 --processes 2 --connections 8]`.
 */

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "10" },
    seconds: { type: "string", default: "3" },
    processes: { type: "string", default: "2" },
    connections: { type: "string", default: "8" },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const PROCESSES = Number(values.processes);
const CONNECTIONS = Number(values.connections);
/** Above the ports of the main bench (18100-18104), so the mock upstream it starts is shared. */
const FIRST_PORT = 18110;

const PLAIN = instantCallOf("switchyard-openai-api-openai");
const LIMITED = instantCallOf("switchyard-openai-api-openai-limits");

interface Gateway {
  server: ServerProcess;
  origin: string;
}

/** One load's measures: CPU µs per answered request (worker and primary together), and at one connection the p99. */
interface Measured {
  cpuUs: number;
  p99Ms: number | undefined;
}

/** One load of SECONDS: autocannon at CONNECTIONS, or at one connection requests timed one after another. */
async function measure(gateway: Gateway, call: HttpCall): Promise<Measured> {
  const before = serverCpuMs(gateway.server);
  let answered: number;
  let p99Ms: number | undefined;
  if (CONNECTIONS === 1) {
    const { samples } = await probeLatency(gateway.origin, call, {
      warmupRequests: 0,
      durationMs: SECONDS * 1000,
    });
    answered = samples.length;
    p99Ms = percentile(samples, 0.99);
  } else {
    const load = await runLoad(gateway.origin, call, { connections: CONNECTIONS, durationS: SECONDS });
    answered = load.totalRequests - load.non2xx - load.errors;
  }
  if (answered <= 0) throw new Error(`no request answered by ${gateway.origin}`);
  return { cpuUs: ((serverCpuMs(gateway.server) - before) * 1000) / answered, p99Ms };
}

/** The two sides of one comparison. */
interface Comparison {
  plain: Measured;
  limited: Measured;
}

/** The mean of several processes' measures of one round. */
function meanOf(measures: readonly Measured[]): Measured {
  const p99s = measures.map((measured) => measured.p99Ms);
  return {
    cpuUs: meanWithError(measures.map((measured) => measured.cpuUs)).mean,
    p99Ms: p99s.includes(undefined) ? undefined : meanWithError(p99s as number[]).mean,
  };
}

const cpu = planCpus();
pinSelf(cpu.loadCores);
const stack = await startStack({ cpu, workers: 1, servers: ["mock"] });
const gateways: Gateway[] = [];
try {
  for (let index = 0; index < 3 * PROCESSES; index++) {
    const port = FIRST_PORT + index;
    const server = await startServer(
      {
        name: `limits-share-${index}`,
        command: process.execPath,
        args: switchyardArgs(port, 1),
        cores: cpu.serverCores,
        ready: /Switchyard \S+ listening on/,
        clustered: true,
      },
      join(RESULTS_DIR, "logs"),
    );
    gateways.push({ server, origin: `http://127.0.0.1:${port}` });
  }
  const mixed = gateways.slice(0, PROCESSES);
  const plainOnly = gateways.slice(PROCESSES, 2 * PROCESSES);
  const limitedOnly = gateways.slice(2 * PROCESSES);
  // One load each first: JIT warm-up, connection pools, grants.
  for (const gateway of mixed) for (const call of [PLAIN, LIMITED]) await measure(gateway, call);
  for (const gateway of plainOnly) await measure(gateway, PLAIN);
  for (const gateway of limitedOnly) await measure(gateway, LIMITED);
  const same: Comparison[] = [];
  const separate: Comparison[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so neither side always follows the other.
    const flip = round % 2 === 1;
    for (const gateway of mixed) {
      const first = await measure(gateway, flip ? LIMITED : PLAIN);
      const second = await measure(gateway, flip ? PLAIN : LIMITED);
      same.push(flip ? { plain: second, limited: first } : { plain: first, limited: second });
    }
    const plain: Measured[] = [];
    const limited: Measured[] = [];
    for (let index = 0; index < PROCESSES; index++) {
      const pair: [Gateway, HttpCall, Measured[]][] = [
        [plainOnly[index] as Gateway, PLAIN, plain],
        [limitedOnly[index] as Gateway, LIMITED, limited],
      ];
      for (const [gateway, call, into] of flip ? pair.reverse() : pair)
        into.push(await measure(gateway, call));
    }
    separate.push({ plain: meanOf(plain), limited: meanOf(limited) });
    process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  }
  const methods = [
    [`one process serving both routes (×${PROCESSES})`, same],
    [`separate processes (${PROCESSES} per route)`, separate],
  ] as const;
  process.stdout.write(`${CONNECTIONS} connection(s), ${ROUNDS} rounds of ${SECONDS} s\n\n`);
  process.stdout.write(
    `| method | CPU µs per request, no limits | with five limits | added (mean ± standard error) | comparisons |\n|---|---|---|---|---|\n`,
  );
  for (const [label, rows] of methods) {
    const plain = median(rows.map((row) => row.plain.cpuUs)).toFixed(1);
    const limited = median(rows.map((row) => row.limited.cpuUs)).toFixed(1);
    const ratios = rows.map((row) => row.limited.cpuUs / row.plain.cpuUs);
    process.stdout.write(`| ${label} | ${plain} | ${limited} | ${addedPercent(ratios)} | ${rows.length} |\n`);
  }
  if (CONNECTIONS === 1) {
    process.stdout.write(
      `\n| method | p99 ms, no limits | with five limits | added (mean ± standard error) | comparisons |\n|---|---|---|---|---|\n`,
    );
    for (const [label, rows] of methods) {
      const p99 = (side: "plain" | "limited") => rows.map((row) => row[side].p99Ms as number);
      const ratios = rows.map((row) => (row.limited.p99Ms as number) / (row.plain.p99Ms as number));
      process.stdout.write(
        `| ${label} | ${median(p99("plain")).toFixed(3)} | ${median(p99("limited")).toFixed(3)} | ${addedPercent(ratios)} | ${rows.length} |\n`,
      );
    }
  }
} finally {
  await Promise.all(gateways.map((gateway) => gateway.server.stop()));
  await stack.stop();
}
