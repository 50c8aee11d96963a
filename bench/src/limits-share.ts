import { join } from "node:path";
import { parseArgs } from "node:util";
import { RESULTS_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { pinSelf, planCpus } from "./cpu-pinning.js";
import { runLoad } from "./load-generator.js";
import { cpuTimeMs } from "./proc-stats.js";
import { type HttpCall, instantCallOf } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";
import { meanWithError, median } from "./stats.js";

/**
 * What five limits (embedded store, never reached) add to a request's CPU, the "within 10%" target,
 * measured two ways, because on a shared VM neither alone is steady (docs/limits-and-budgets.md):
 * - in one process: each of `processes` gateways serves the route with limits and the one without, alternately,
 *   and each round compares the two in the same process (same JIT state, same heap);
 * - across processes: `processes` gateways serve only the route without limits and as many only the one with,
 *   and each round compares the means of the two groups (one build varies by up to 8% between processes).
 * Rounds of a few seconds interleave everything, so the host's slow drifts fall on both sides. Prints each
 * method's mean of the per-round ratios with its standard error, and the median CPU µs per request (the worker
 * and the primary). `npm run bench:limits-share [-- --rounds 10 --seconds 3 --processes 2]`.
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

function cpuMsOf(server: ServerProcess): number {
  const pids = [...server.servingPids(), ...(server.primaryPid === undefined ? [] : [server.primaryPid])];
  return pids.reduce((sum, pid) => sum + (cpuTimeMs(pid) ?? 0), 0);
}

/** CPU µs per answered request, worker and primary together, over one load of SECONDS. */
async function cpuPerRequest(gateway: Gateway, call: HttpCall): Promise<number> {
  const before = cpuMsOf(gateway.server);
  const load = await runLoad(gateway.origin, call, { connections: CONNECTIONS, durationS: SECONDS });
  const answered = load.totalRequests - load.non2xx - load.errors;
  if (answered <= 0) throw new Error(`no request answered by ${gateway.origin}`);
  return ((cpuMsOf(gateway.server) - before) * 1000) / answered;
}

/** The mean of the ratios as a percentage added, with its standard error. */
function addedPercent(ratios: readonly number[]): string {
  const { mean, error } = meanWithError(ratios);
  return `${((mean - 1) * 100).toFixed(1)}% ± ${(error * 100).toFixed(1)}%`;
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
  for (const gateway of mixed) for (const call of [PLAIN, LIMITED]) await cpuPerRequest(gateway, call);
  for (const gateway of plainOnly) await cpuPerRequest(gateway, PLAIN);
  for (const gateway of limitedOnly) await cpuPerRequest(gateway, LIMITED);
  const same: { plain: number; limited: number }[] = [];
  const separate: { plain: number; limited: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternating which goes first, so neither side always follows the other.
    const flip = round % 2 === 1;
    for (const gateway of mixed) {
      const first = await cpuPerRequest(gateway, flip ? LIMITED : PLAIN);
      const second = await cpuPerRequest(gateway, flip ? PLAIN : LIMITED);
      same.push(flip ? { plain: second, limited: first } : { plain: first, limited: second });
    }
    const plain: number[] = [];
    const limited: number[] = [];
    for (let index = 0; index < PROCESSES; index++) {
      const pair: [Gateway, HttpCall, number[]][] = [
        [plainOnly[index] as Gateway, PLAIN, plain],
        [limitedOnly[index] as Gateway, LIMITED, limited],
      ];
      for (const [gateway, call, into] of flip ? pair.reverse() : pair)
        into.push(await cpuPerRequest(gateway, call));
    }
    separate.push({ plain: meanWithError(plain).mean, limited: meanWithError(limited).mean });
    process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  }
  process.stdout.write(
    `| method | CPU µs per request, no limits | with five limits | added (mean ± standard error) | comparisons |\n|---|---|---|---|---|\n`,
  );
  for (const [label, rows] of [
    [`one process serving both routes (×${PROCESSES})`, same],
    [`separate processes (${PROCESSES} per route)`, separate],
  ] as const) {
    const plain = median(rows.map((row) => row.plain)).toFixed(1);
    const limited = median(rows.map((row) => row.limited)).toFixed(1);
    process.stdout.write(
      `| ${label} | ${plain} | ${limited} | ${addedPercent(rows.map((row) => row.limited / row.plain))} | ${rows.length} |\n`,
    );
  }
} finally {
  await Promise.all(gateways.map((gateway) => gateway.server.stop()));
  await stack.stop();
}
