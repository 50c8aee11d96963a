import { applyTestClockOffset } from "../config/test-hooks.js";
import { createLogger, flushLogger } from "../observability/logger.js";
import { startTracing } from "../observability/tracing/start-tracing.js";
import { tracingSettingsFrom } from "../observability/tracing/tracing-settings.js";
import { setTraceHeaderInjector } from "../routing/trace-headers.js";
import { isCoordinationReply } from "./coordination-messages.js";
import { GatewayInstance } from "./gateway-instance.js";
import { listenFailureMessage } from "./listen-failure.js";
import { createMetricsFromPrimary } from "./metrics-from-primary.js";
import { PACKAGE_VERSION } from "./package-version.js";
import { endStartup } from "./startup-young-generation.js";
import { type ChannelToPrimary, sendToPrimary, WorkerCoordinator } from "./worker-coordinator.js";
import { sendHeartbeats } from "./worker-heartbeat.js";
import { isPrimaryMessage, type WorkerMessage } from "./worker-messages.js";
import { reportMetricsToPrimary } from "./worker-metrics-reporter.js";

/**
 * Entry point of a cluster worker: waits for the config from the primary, serves it, applies later versions
 * as they come, and shuts down gracefully when asked (or when the primary goes away).
 */
applyTestClockOffset();
const logger = createLogger();
const host = process.env.SWITCHYARD_HOST ?? "127.0.0.1";
const port = Number(process.env.SWITCHYARD_PORT ?? "5000");
const shutdownTimeoutMs = Number(process.env.SWITCHYARD_SHUTDOWN_TIMEOUT_MS ?? "30000");
let instance: GatewayInstance | undefined;
let shuttingDown = false;
let metricsReporter: ReturnType<typeof reportMetricsToPrimary> | undefined;

function send(message: WorkerMessage, sent?: () => void): void {
  if (process.send === undefined || !process.connected) sent?.();
  else process.send(message, undefined, {}, () => sent?.());
}
const clusterMetrics = createMetricsFromPrimary(send);
// The primary has checked these settings before starting any worker.
const tracingSettings = tracingSettingsFrom(process.env);
const tracing =
  tracingSettings === undefined ? undefined : await startTracing(tracingSettings, PACKAGE_VERSION);
if (tracing !== undefined) setTraceHeaderInjector(tracing.injectTraceHeaders);
const requestTracing =
  tracing === undefined ? undefined : (await import("../api/request-tracing.js")).requestTracing;
const coordinator = new WorkerCoordinator(
  (message) => sendToPrimary(process as ChannelToPrimary, message),
  (error) => logger.error({ err: error }, "a listener of a gateway event failed"),
);

process.on("message", async (message: unknown) => {
  if (isCoordinationReply(message)) return coordinator.receive(message);
  if (!isPrimaryMessage(message)) return;
  if (message.type === "health-probe") return send({ type: "health-answer", id: message.id });
  if (message.type === "shutdown") return shutdown();
  if (message.type === "metrics") return clusterMetrics.receive(message);
  if (message.type === "metrics-snapshot-request") return void metricsReporter?.answer(message.requestId);
  try {
    if (instance === undefined) {
      instance = await GatewayInstance.create({
        config: message.config,
        logger,
        metricsSource: clusterMetrics.source,
        ...(requestTracing === undefined ? {} : { tracing: requestTracing }),
        coordinator,
        host,
      });
      metricsReporter = reportMetricsToPrimary(instance.metrics.registry, send);
      let url: string;
      try {
        url = await instance.listen(host, port);
      } catch (error) {
        const message = listenFailureMessage(error, host, port);
        if (message === undefined) throw error;
        send({ type: "listen-failed", message });
        return;
      }
      // The start-up lines ("Server listening") come out before the primary says the gateway is up, not up to
      // a flush interval later.
      await flushLogger(logger);
      send({ type: "ready", version: message.version, url });
      endStartup();
      sendHeartbeats(message.config.server.workerHealthTimeoutMs, send);
    } else {
      await instance.applyConfig(message.config);
      send({ type: "applied", version: message.version });
    }
  } catch (error) {
    logger.error({ err: error }, "could not apply the configuration");
    send({ type: "apply-failed", version: message.version, message: (error as Error).message });
    if (instance === undefined) process.exit(1);
  }
});

async function shutdown(): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  // A deadline, so a stuck stream cannot keep the process alive forever.
  setTimeout(() => {
    logger.warn({ timeoutMs: shutdownTimeoutMs }, "shutdown deadline reached; closing remaining connections");
    process.exit(0);
  }, shutdownTimeoutMs).unref();
  await instance?.close();
  // What this worker counted since its last report, the last spans and log lines still in their buffers would
  // otherwise be lost with it.
  await Promise.all([
    metricsReporter?.flush(),
    tracing
      ?.shutdown()
      .catch((error: unknown) => logger.warn({ err: error }, "could not flush the last spans")),
  ]);
  await flushLogger(logger);
  process.exit(0);
}

// Ctrl-C reaches every process of the group: workers let the primary coordinate, but still drain on their own.
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
process.on("disconnect", () => {
  coordinator.failPending();
  void shutdown();
});
send({ type: "waiting-for-config" });
