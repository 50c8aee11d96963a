import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCH_DIR, RESULTS_DIR, startStack, switchyardArgs } from "./bench-stack.js";
import { planCpus } from "./cpu-pinning.js";
import { runLoad } from "./load-generator.js";
import { cpuTimeMs } from "./proc-stats.js";
import { type ScalingSample, scalingTable } from "./scaling-report.js";
import { type HttpCall, instantCallOf, PORTS } from "./scenarios.js";
import { type ServerProcess, startServer } from "./server-process.js";

/**
 * `npm run bench:scaling`: how throughput grows with processes (issue 19, "`--workers N` throughput scales with
 * cores"). Switchyard with one worker and with `--processes` workers (default: every core), and the bare proxy
 * with as many processes, each serving the chat pass-through at 64 connections (Switchyard also with five limits
 * on the embedded store, which its workers share), in interleaved rounds.
 *
 * Nothing is pinned here: N processes need N cores, so on a small machine the load side (autocannon in this
 * process, and the mock upstream) shares the cores with the servers. The table says how many cores the load side
 * used, and each server's CPU µs per request: a figure that stays flat from one process to N says nothing shared
 * between processes costs them anything, whatever the throughput could reach on this machine.
 * `npm run bench:scaling [-- --rounds 5 --seconds 5 --connections 64 --processes 2]`.
 */

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "64" },
    processes: { type: "string", default: String(Math.max(2, availableParallelism())) },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const PROCESSES = Number(values.processes);
/** Above limits-share's ports (18110 and up): the mock upstream the main bench starts is the only one shared. */
const FIRST_PORT = 18130;

interface Server {
  kind: "switchyard" | "switchyard, five limits" | "bare proxy";
  processes: number;
  process: ServerProcess;
  origin: string;
  call: HttpCall;
}

async function startOne(kind: "switchyard" | "bare proxy", processes: number, port: number): Promise<Server> {
  const switchyard = kind === "switchyard";
  const running = await startServer(
    {
      name: `scaling-${switchyard ? "switchyard" : "proxy"}-${processes}`,
      command: process.execPath,
      args: switchyard
        ? switchyardArgs(port, processes)
        : [
            join(BENCH_DIR, "dist", "bare-proxy.js"),
            String(port),
            `http://127.0.0.1:${PORTS.mock}`,
            String(processes),
          ],
      cores: undefined,
      ready: switchyard ? /Switchyard \S+ listening on/ : /listening on/,
      clustered: switchyard || processes > 1,
    },
    join(RESULTS_DIR, "logs"),
  );
  return {
    kind,
    processes,
    process: running,
    origin: `http://127.0.0.1:${port}`,
    call: instantCallOf(switchyard ? "switchyard-openai-api-openai" : "proxy-openai"),
  };
}

function cpuMsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuTimeMs(pid) ?? 0), 0);
}

function serverPids(server: Server): number[] {
  const { process: running } = server;
  return [...running.servingPids(), ...(running.primaryPid === undefined ? [] : [running.primaryPid])];
}

async function measure(server: Server, mockPid: number): Promise<ScalingSample> {
  const pids = serverPids(server);
  const loadPids = [process.pid, mockPid];
  const serverBefore = cpuMsOf(pids);
  const loadBefore = cpuMsOf(loadPids);
  const load = await runLoad(server.origin, server.call, { connections: CONNECTIONS, durationS: SECONDS });
  const answered = load.totalRequests - load.non2xx - load.errors;
  if (answered <= 0) throw new Error(`no request answered by ${server.origin}`);
  const wallMs = load.durationS * 1000;
  const serverMs = cpuMsOf(pids) - serverBefore;
  return {
    kind: server.kind,
    processes: server.processes,
    requestsPerSecond: answered / load.durationS,
    serverCpuUsPerRequest: (serverMs * 1000) / answered,
    serverCores: serverMs / wallMs,
    loadCores: (cpuMsOf(loadPids) - loadBefore) / wallMs,
    failed: load.non2xx + load.errors,
  };
}

const stack = await startStack({
  cpu: { ...planCpus(), loadCores: undefined },
  workers: 1,
  servers: ["mock"],
});
const servers: Server[] = [];
try {
  const mockPid = stack.running.get("mock")?.pid as number;
  let port = FIRST_PORT;
  for (const kind of ["bare proxy", "switchyard"] as const) {
    for (const processes of [1, PROCESSES]) {
      const server = await startOne(kind, processes, port++);
      servers.push(server);
      // Limits are what workers share (grants from the primary's ledger): their cost per request must not grow
      // with the workers either.
      if (kind === "switchyard")
        servers.push({
          ...server,
          kind: "switchyard, five limits",
          call: instantCallOf("switchyard-openai-api-openai-limits"),
        });
    }
  }
  // One load each first: JIT warm-up and connection pools.
  for (const server of servers) await measure(server, mockPid);
  const samples: ScalingSample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // A different server first each round, so none always follows the same one.
    const order = servers.map((_, index) => servers[(index + round) % servers.length] as Server);
    for (const server of order) samples.push(await measure(server, mockPid));
    process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
  }
  process.stdout.write(
    `${availableParallelism()} cores, nothing pinned; ${CONNECTIONS} connections, chat pass-through, ${ROUNDS} rounds of ${SECONDS} s (medians)\n\n`,
  );
  process.stdout.write(scalingTable(samples));
} finally {
  await Promise.all([...new Set(servers.map((server) => server.process))].map((running) => running.stop()));
  await stack.stop();
}
