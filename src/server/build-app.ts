import { createServer } from "node:http";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { useAccessControl } from "../api/access-hooks.js";
import { logConnectionAnswer, registerAccessLog } from "../api/access-log-watcher.js";
import { registerAdminApi } from "../api/admin-api.js";
import { registerAnthropicApi } from "../api/anthropic-api.js";
import { answerFrameworkError, useApiErrors } from "../api/api-errors.js";
import { createClientErrorHandler } from "../api/client-errors.js";
import { registerConsole } from "../api/console/console-api.js";
import type { ConsoleFiles } from "../api/console/console-files.js";
import { consoleTrafficWatcher } from "../api/console/console-traffic-watcher.js";
import { registerDocs } from "../api/docs-api.js";
import { registerHealth } from "../api/health-api.js";
import { useJsonBodyParser } from "../api/json-body-parser.js";
import { type MetricsSource, observeRequests, registerMetrics } from "../api/metrics-api.js";
import { registerMlflowDeploymentsApi } from "../api/mlflow-deployments-api.js";
import { registerMlflowInvocations } from "../api/mlflow-invocations.js";
import { registerMlflowLimits } from "../api/mlflow-limits.js";
import { registerMlflowRouteInfo } from "../api/mlflow-route-info.js";
import { registerOpenAIApi } from "../api/openai-api.js";
import { ReadinessChecks, registerReadiness } from "../api/readiness.js";
import { registerRequestId, requestIdOf } from "../api/request-id.js";
import { RequestOutcomes, type RequestWatcher } from "../api/request-outcome.js";
import { redactReplies } from "../api/response-redaction.js";
import type { ServerSettings } from "../config/server-settings.js";
import type { Coordinator } from "../coordination/coordinator.js";
import type { GovernanceRuntime } from "../governance/governance-runtime.js";
import type { UsageLogClient } from "../governance/usage/usage-log-client.js";
import type { Logger } from "../observability/logger.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import type { TrafficRecorder } from "../observability/traffic-recorder.js";
import { useLoadShedding } from "../overload/load-shedding.js";
import { RequestTurns } from "../overload/request-turns.js";
import type { ResponseStorage } from "../response-store/response-storage.js";
import type { RouteTableHolder } from "../routing/route-table-holder.js";
import { PACKAGE_VERSION } from "./package-version.js";

export interface AppOptions {
  routes: RouteTableHolder;
  metrics: GatewayMetrics;
  /** Where `/metrics` reads from: by default this process's own metrics. */
  metricsSource?: MetricsSource;
  /** Omit for no logging (tests). */
  logger?: Logger;
  server: ServerSettings;
  /** Checks behind `GET /ready`; by default only "the config is loaded". */
  readiness?: ReadinessChecks;
  /** What traces each request (api/request-tracing.ts), when tracing is configured; omitted: no cost. */
  tracing?: (app: FastifyInstance) => RequestWatcher;
  /** The channel to the owner of gateway-wide state (shared limits, breaker state, stored responses). */
  coordinator: Coordinator;
  /** Where usage records of finished requests go. */
  usageLog?: UsageLogClient;
  /** The Responses API's stored state (see response-store/). */
  responses: ResponseStorage;
  /** Access control and the admin API's operations. */
  governance: GovernanceRuntime;
  /** The web console, when it is on: where it is served, its page, and this process's traffic counts. */
  console?: { path: string; files: ConsoleFiles | undefined; traffic: TrafficRecorder };
}

/** Builds the gateway's HTTP application without listening, so tests and the server share one construction. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  // Metrics, the access log and tracing each see every request end, exactly once (api/request-outcome.ts).
  const outcomes = new RequestOutcomes();
  const accessLogger = options.server.accessLog ? options.logger : undefined;
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    // One log line per request would cost more than the gateway's own work; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.server.maxBodyBytes,
    // Slow clients cannot hold a connection: headers and the whole request must arrive in time (408 otherwise).
    // Node checks these deadlines on an interval, 30 s by default, which would let a slow client stay far longer.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout: options.server.headersTimeoutMs,
          requestTimeout: options.server.requestTimeoutMs,
          connectionsCheckingInterval: 1000,
        },
        handler,
      ),
    // Route names are path parameters; a longer one is a 414 in the API's format (Fastify's default is 100).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    genReqId: requestIdOf,
    // Only proxies named in the config may say who the client is (X-Forwarded-For): anyone else could lie.
    trustProxy: options.server.trustedProxies.length > 0 ? options.server.trustedProxies : false,
    // Errors Fastify and Node answer themselves would be in their own format: these answer in the API's. A
    // framework error skips every hook: it is followed to its end here.
    frameworkErrors: (error, request, reply) => {
      outcomes.track(request, reply);
      answerFrameworkError(error, request, reply);
    },
    clientErrorHandler: createClientErrorHandler(
      options.logger,
      accessLogger === undefined ? undefined : (answer) => logConnectionAnswer(accessLogger, answer),
    ),
    // Requests arriving during shutdown get the 503 of useApiErrors, in the API's format.
    return503OnClosing: false,
    forceCloseConnections: "idle",
  }) as unknown as FastifyInstance;
  // Route schemas document the API; requests are validated by each dialect's own schemas, which give
  // messages in the dialect's error format, and responses are serialised as they are.
  app.setValidatorCompiler(() => () => true);
  // Every API takes JSON only. Fastify also parses text/plain, which would let a JSON body sent as text reach
  // the handlers as a string and fail with "must be a JSON object"; without the parser it is a clear 415.
  app.removeContentTypeParser("text/plain");
  useJsonBodyParser(app, options.server.maxJsonDepth);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  registerRequestId(app);
  // Before useApiErrors, whose hook refuses requests during shutdown: a refused request is followed too.
  observeRequests(app, options.metrics, outcomes);
  useApiErrors(app);
  const readiness = options.readiness ?? new ReadinessChecks();
  // After the hooks above, so a shed request has its id and is counted and logged like any other, and a request
  // waiting for its turn is already timed; before access control and routing, which a shed request skips and a
  // waiting one has not started.
  const perTurn = options.server.overload.newRequestsPerTurn;
  const turns = perTurn > 0 ? new RequestTurns(perTurn) : undefined;
  if (turns !== undefined) options.metrics.trackRequestTurns(turns);
  const overload = await useLoadShedding(app, options.server.overload, turns, readiness, options.logger);
  if (overload !== undefined) {
    options.metrics.trackOverload(overload);
    outcomes.watch(overload.requests);
  }
  app.decorate("usageLog", options.usageLog ?? null);
  // Before any route: every route registered below gets its surface's access check (inference by default).
  useAccessControl(app, () => options.governance.access);
  app.decorate("sseHeartbeatMs", options.server.sseHeartbeatMs);
  app.decorateRequest("attemptTracing", null);
  const accessLog = registerAccessLog(accessLogger);
  if (accessLog !== undefined) outcomes.watch(accessLog);
  if (options.console !== undefined) outcomes.watch(consoleTrafficWatcher(options.console.traffic));
  if (options.tracing !== undefined) outcomes.watch(options.tracing(app));
  // After every other onSend hook (they run in order), so that it sees the headers they add (Server-Timing,
  // the target headers; x-request-id is set on the raw response, which getHeaders() includes).
  redactReplies(app);
  // Before any route: the document collects the routes registered after it.
  await registerDocs(app, PACKAGE_VERSION);
  registerMetrics(app, options.metricsSource ?? (() => options.metrics.registry.metrics()));
  registerHealth(app);
  registerReadiness(app, readiness);
  registerMlflowRouteInfo(app, options.routes);
  registerMlflowInvocations(app, options.routes);
  registerMlflowLimits(app, options.routes, options.coordinator);
  registerMlflowDeploymentsApi(app, options.routes);
  await registerOpenAIApi(app, options.routes, options.governance, options.responses);
  await registerAnthropicApi(app, options.routes);
  await registerAdminApi(
    app,
    options.governance,
    options.routes,
    options.governance.access.surfaces.admin !== "off",
    options.coordinator,
  );
  if (options.console !== undefined) {
    await registerConsole(app, {
      path: options.console.path,
      files: options.console.files,
      routes: options.routes,
      coordinator: options.coordinator,
      access: () => {
        const { surfaces } = options.governance.access;
        return { dataNeedsKey: surfaces.metrics === "key", adminApi: surfaces.admin === "key" };
      },
    });
  }
  await app.ready();
  return app;
}
