import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { REPO_DIR } from "./bench-stack.js";

/**
 * CPU time of the embedded limit store per request, with the real IPC channel: this process is the owner (the
 * cluster primary's side, hosting the limits ledger), a forked child is a worker that admits and settles
 * requests on five limits that are never reached (the bench's `-limits` routes: rpm, rph, rpd, tpm,
 * concurrency). Two modes: `grants` (the store as it runs: admissions from grants, no round trip) and
 * `per-request` (grants never asked for: every admission is one round trip to the ledger, as before grants).
 * Reports CPU µs per request in the worker and in the owner, and messages per request: `npm run bench:limits`.
 */

const load = async <T>(path: string): Promise<T> =>
  (await import(pathToFileURL(join(REPO_DIR, "dist", path)).href)) as T;

const REQUESTS = 20_000;
const MODES = ["per-request", "grants"] as const;
const CONNECTIONS = [1, 32];

interface Result {
  workerUs: number;
  messages: number;
}

async function asWorker(mode: string, connections: number): Promise<void> {
  const { WorkerCoordinator } = await load<{
    WorkerCoordinator: new (
      send: (message: unknown) => boolean,
      onError: (error: unknown) => void,
    ) => {
      call(service: string, payload: unknown, options?: { timeoutMs?: number }): Promise<unknown>;
      publish(topic: string, payload: unknown): void;
      subscribe(topic: string, listener: (payload: unknown) => void): () => void;
      receive(message: unknown): void;
    };
  }>("server/worker-coordinator.js");
  const { CoordinatedLimitStore } = await load<{
    CoordinatedLimitStore: new (
      coordinator: unknown,
    ) => {
      admit(request: unknown): Promise<{ ok: boolean }>;
      settle(request: unknown): Promise<unknown>;
      close(): Promise<void>;
      stats: { calls: number };
    };
  }>("governance/limits/coordinated-limit-store.js");
  const send = (message: unknown): boolean => process.send?.(message) ?? false;
  const coordinator = new WorkerCoordinator(send, () => {});
  process.on("message", (message: { type?: string }) => {
    if (message.type?.startsWith("coord-")) coordinator.receive(message);
  });
  // Per request: the ledger is never asked for grants (every admission is a round trip), as before grants.
  const channel =
    mode === "grants"
      ? coordinator
      : {
          call: (
            service: string,
            payload: { ops: { want?: unknown }[] },
            options?: { timeoutMs?: number },
          ) => {
            for (const operation of payload.ops) delete operation.want;
            return coordinator.call(service, payload, options);
          },
          publish: coordinator.publish.bind(coordinator),
          subscribe: coordinator.subscribe.bind(coordinator),
        };
  const store = new CoordinatedLimitStore(channel);
  const rate = (name: string, unit: string, limit: number, windowMs: number) => ({
    kind: "rate",
    key: `rl:route:bench:${name}`,
    label: { scope: "route", id: "bench", name },
    unit,
    limit,
    windowMs,
    burst: limit,
  });
  const specs = [
    rate("rpm", "requests", 1e9, 60_000),
    rate("rph", "requests", 1e10, 3_600_000),
    rate("rpd", "requests", 1e11, 86_400_000),
    rate("tpm", "tokens", 1e11, 60_000),
    {
      kind: "concurrency",
      key: "cc:route:bench",
      label: { scope: "route", id: "bench", name: "concurrency" },
      max: 100_000,
    },
  ];
  let sent = 0;
  let counter = 0;
  const lane = async (): Promise<void> => {
    while (sent < REQUESTS) {
      sent++;
      const id = `r${++counter}`;
      const answer = await store.admit({ id, specs, tokens: 200, costNano: 0, leaseMs: 6000 });
      if (!answer.ok) throw new Error("a limit that is never reached refused");
      // The upstream call: the request's settle comes on a later turn, and nobody waits for it.
      await new Promise((resolve) => setImmediate(resolve));
      store.settle({ id, tokens: 180, costNano: 0 }).catch(() => {});
    }
  };
  // Warm-up, then the measured part.
  await Promise.all(Array.from({ length: connections }, lane));
  sent = 0;
  const callsBefore = store.stats.calls;
  send({ type: "bench-start" });
  const start = process.cpuUsage();
  await Promise.all(Array.from({ length: connections }, lane));
  const used = process.cpuUsage(start);
  const result: Result = {
    workerUs: (used.user + used.system) / REQUESTS,
    messages: (store.stats.calls - callsBefore) / REQUESTS,
  };
  await store.close();
  send({ type: "bench-done", result });
  // The grants given back on close get their answer, then the channel closes and the process ends.
  setTimeout(() => process.disconnect(), 200);
}

async function asOwner(): Promise<void> {
  const { ServiceHost } = await load<{ ServiceHost: new (services: unknown[]) => unknown }>(
    "coordination/service-host.js",
  );
  const { PrimaryCoordination } = await load<{
    PrimaryCoordination: new (
      host: unknown,
      workers: () => Iterable<unknown>,
      logger: unknown,
    ) => { receive(worker: unknown, message: unknown): void; publish(topic: string, payload: unknown): void };
  }>("server/primary-coordination.js");
  const { LimitsService } = await load<{
    LimitsService: new (options: unknown) => { close(): Promise<void> };
  }>("governance/limits/limits-service.js");
  const { defaultGovernanceConfig } = await load<{ defaultGovernanceConfig(directory: string): unknown }>(
    "config/governance/governance-config.js",
  );
  const rows: string[] = [];
  for (const connections of CONNECTIONS) {
    for (const mode of MODES) {
      const config = defaultGovernanceConfig(mkdtempSync(join(tmpdir(), "switchyard-limits-cost-")));
      let child: ChildProcess | undefined;
      const worker = {
        send: (message: unknown) => child?.send(message as never),
        isConnected: () => child?.connected === true,
      };
      const logger = { error: () => {}, warn: () => {}, info: () => {} };
      let coordination: {
        receive(worker: unknown, message: unknown): void;
        publish(t: string, p: unknown): void;
      };
      const service = new LimitsService({
        config,
        publish: (topic: string, payload: unknown) => coordination.publish(topic, payload),
      });
      coordination = new PrimaryCoordination(new ServiceHost([service]), () => [worker], logger);
      child = fork(fileURLToPath(import.meta.url), ["worker", mode, String(connections)]);
      let ownerStart = process.cpuUsage();
      const result = await new Promise<Result>((resolve, reject) => {
        child?.on("message", (message: { type?: string; result?: Result }) => {
          if (message.type === "bench-start") ownerStart = process.cpuUsage();
          else if (message.type === "bench-done") resolve(message.result as Result);
          else coordination.receive(worker, message);
        });
        child?.on("exit", (code) => reject(new Error(`the worker exited (${code})`)));
        child?.on("error", () => {});
      });
      const owner = process.cpuUsage(ownerStart);
      const ownerUs = (owner.user + owner.system) / REQUESTS;
      if (child.exitCode === null) await once(child, "exit");
      await service.close();
      rows.push(
        `| ${mode} | ${connections} | ${result.workerUs.toFixed(1)} | ${ownerUs.toFixed(1)} | ${(result.workerUs + ownerUs).toFixed(1)} | ${result.messages.toFixed(4)} |`,
      );
      process.stderr.write(`[bench:limits] ${mode}, ${connections} at once: done\n`);
    }
  }
  process.stdout.write(
    [
      `Embedded limit store, 5 limits never reached, ${REQUESTS} requests after as many of warm-up (CPU µs per request):`,
      "",
      "| mode | at once | worker | owner | total | messages per request |",
      "|---|---|---|---|---|---|",
      ...rows,
      "",
    ].join("\n"),
  );
}

if (process.argv[2] === "worker") await asWorker(process.argv[3] ?? "grants", Number(process.argv[4] ?? 1));
else await asOwner();
