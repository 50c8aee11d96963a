import cluster, { type Worker } from "node:cluster";
import { fileURLToPath } from "node:url";
import { ServiceHost } from "../coordination/service-host.js";
import type { Logger } from "../observability/logger.js";
import { ClusterMetrics } from "./cluster-metrics.js";
import { checkConfigInChildProcess } from "./config-check-process.js";
import { ConfigReloader } from "./config-reloader.js";
import type { ConfigVerdict } from "./config-verdict.js";
import { watchConfigFile } from "./config-watcher.js";
import { isCoordinationRequest } from "./coordination-messages.js";
import { createOwnedServices } from "./owned-services.js";
import { PrimaryCoordination } from "./primary-coordination.js";
import { PrimaryMetrics } from "./primary-metrics.js";
import { WorkerHealth } from "./worker-health.js";
import { isWorkerMessage, type PrimaryMessage } from "./worker-messages.js";

/** After --shutdown-timeout, how long the primary leaves a worker to end by its own deadline. */
const SHUTDOWN_GRACE_MS = 1000;

export interface PrimaryOptions {
  configPath: string;
  /** The start-up config's text, and its verdict (already checked: config-check-process.ts). */
  configText: string;
  verdict: Extract<ConfigVerdict, { ok: true }>;
  host: string;
  port: number;
  workers: number;
  /** Whether to reload when the file changes (SIGHUP always reloads). */
  watch: boolean;
  /** How long a worker may take to drain on shutdown before it is stopped (by the primary, if need be). */
  shutdownTimeoutMs: number;
  logger: Logger;
  /** Called once every worker listens, with the URL they listen on. */
  onReady: (url: string) => void;
}

function* liveWorkers(): Iterable<Worker> {
  for (const worker of Object.values(cluster.workers ?? {})) if (worker !== undefined) yield worker;
}

/**
 * The primary process: it owns the config (watches the file, reloads on change or SIGHUP, and has each new
 * version validated in a short-lived child process, so that none of the validation code stays in its memory)
 * and a set of workers that serve it. A crashed worker is replaced, and so is one that stops answering the
 * health probe (worker-health.ts); SIGTERM/SIGINT drain the workers and exit 0, killing any worker still
 * running once --shutdown-timeout (and a second's grace for its own deadline) has passed.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { logger } = options;
  const primaryMetrics = new PrimaryMetrics();
  const clusterMetrics = new ClusterMetrics(() => primaryMetrics.snapshot());
  const reloader = new ConfigReloader(
    options.configPath,
    options.configText,
    options.verdict,
    (text, file) => checkConfigInChildProcess(text, file),
    logger,
    { count: (result) => primaryMetrics.countReload(result) },
  );
  const config = options.verdict.config;
  let stopping = false;
  let readyWorkers = 0;
  // Server settings apply at start: a reload does not change them.
  const health = new WorkerHealth(config.server.workerHealthTimeoutMs, logger);
  // Gateway-wide state (shared limits, breaker state, stored responses) lives here, once for all workers.
  const services = new ServiceHost();
  const coordination = new PrimaryCoordination(services, liveWorkers, logger);
  for (const service of createOwnedServices({
    config,
    publish: (topic, payload) => coordination.publish(topic, payload),
    logger,
  }))
    services.add(service);

  cluster.setupPrimary({
    exec: fileURLToPath(new URL("./worker-entry.js", import.meta.url)),
    args: [],
    silent: false,
  });

  const send = (worker: Worker, message: PrimaryMessage): void => {
    if (worker.isConnected()) worker.send(message);
  };
  const fork = (): void => {
    const worker = cluster.fork({
      SWITCHYARD_HOST: options.host,
      SWITCHYARD_PORT: String(options.port),
      SWITCHYARD_SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs),
    });
    worker.on("message", (message: unknown) => {
      // Whatever a worker sends shows its event loop turning (worker-health.ts).
      health.answered(worker);
      if (isCoordinationRequest(message)) return coordination.receive(worker, message);
      if (!isWorkerMessage(message)) return;
      if (message.type === "metrics-snapshot")
        clusterMetrics.receive(worker.id, message.metrics, message.requestId);
      if (message.type === "metrics-request") {
        void clusterMetrics.collect([...liveWorkers()]).then(
          (text) => send(worker, { type: "metrics", requestId: message.requestId, text }),
          (error: unknown) => logger.error({ err: error }, "could not collect the workers' metrics"),
        );
      }
      if (message.type === "waiting-for-config") {
        send(worker, { type: "config", version: reloader.version, config: reloader.config });
      }
      if (message.type === "ready") {
        if (!stopping) health.watch(worker);
        if (++readyWorkers === options.workers) options.onReady(message.url);
      }
      if (message.type === "listen-failed") return stopForGood(message.message);
      if (message.type === "apply-failed")
        logger.error(
          { workerPid: worker.process.pid },
          `a worker could not apply config version ${message.version}: ${message.message}`,
        );
    });
  };
  // Not at "exit": a dead worker's last messages can still be in the channel then; they are all read before it
  // reports "disconnect".
  cluster.on("disconnect", (worker) => clusterMetrics.workerExited(worker.id));
  cluster.on("exit", (worker, code, signal) => {
    health.forget(worker);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0)
        void services.close().finally(() => process.exit(0));
      return;
    }
    logger.error(
      { workerPid: worker.process.pid, code, signal },
      "a worker exited unexpectedly; starting a new one",
    );
    fork();
  });
  for (let index = 0; index < options.workers; index++) fork();

  const broadcast = (): void => {
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker !== undefined)
        send(worker, { type: "config", version: reloader.version, config: reloader.config });
    }
  };
  const reload = async (reason: string, force: boolean): Promise<void> => {
    if (stopping) return;
    const next = await reloader.reload(reason, force);
    // The check takes a moment: the gateway may have begun shutting down meanwhile.
    if (next !== undefined && !stopping) {
      services.applyConfig(reloader.config);
      broadcast();
    }
  };
  const stopWatching = options.watch
    ? watchConfigFile(options.configPath, (event) => {
        if (event === "changed") void reload("file changed", false);
        else
          logger.warn(
            { file: options.configPath },
            "the config file was deleted; keeping the last good configuration",
          );
      })
    : async () => {};
  process.on("SIGHUP", () => void reload("SIGHUP", true));

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: letting requests in flight finish");
    void stopWatching();
    health.stop();
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) void services.close().finally(() => process.exit(0));
    for (const worker of workers) if (worker !== undefined) send(worker, { type: "shutdown" });
    // The workers' own deadline runs in their event loop: a blocked or stopped worker never reaches it.
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) {
        if (worker === undefined) continue;
        logger.warn(
          { workerPid: worker.process.pid, timeoutMs: options.shutdownTimeoutMs },
          "a worker was still running past the shutdown timeout; killing it",
        );
        worker.process.kill("SIGKILL");
      }
    }, options.shutdownTimeoutMs + SHUTDOWN_GRACE_MS).unref();
  };
  /** A failure no new worker can fix: say what to do and exit non-zero (not fork workers forever). */
  const stopForGood = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${reason}\n`);
    void stopWatching();
    health.stop();
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
    process.exit(1);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
