import type { FastifyInstance } from "fastify";
import { mlflowErrorFormat } from "./mlflow-error-format.js";
import { ANY_REQUEST_ERRORS, errorResponses, jsonResponse, ref } from "./openapi/operation-docs.js";

/** A readiness check resolves when its dependency answers, and throws (or rejects) saying why when it does not. */
export type ReadinessCheck = () => Promise<void> | void;

/** How long one check may take before it counts as failed: a probe must answer well within its own timeout. */
const CHECK_TIMEOUT_MS = 2000;

export interface ReadinessReport {
  ready: boolean;
  /** Each check's outcome: `ok`, or why it failed. */
  checks: Record<string, string>;
}

/**
 * What `GET /ready` asks: the config is loaded and every registered dependency answers. Parts that depend on
 * something outside the process (the governance store, say) register a check when they start:
 * `instance.readiness.register("governance_store", () => governance.probe())`.
 */
export class ReadinessChecks {
  private readonly checks = new Map<string, ReadinessCheck>();
  private configLoaded = false;

  constructor(private readonly timeoutMs = CHECK_TIMEOUT_MS) {
    this.checks.set("config", () => {
      if (!this.configLoaded) throw new Error("the configuration is not loaded yet");
    });
  }

  /** Called once the gateway serves a validated config. */
  markConfigLoaded(): void {
    this.configLoaded = true;
  }

  /** Adds a check; the returned function removes it again. */
  register(name: string, check: ReadinessCheck): () => void {
    if (this.checks.has(name)) throw new Error(`a readiness check named '${name}' is already registered`);
    this.checks.set(name, check);
    return () => this.checks.delete(name);
  }

  async evaluate(): Promise<ReadinessReport> {
    const names = [...this.checks.keys()];
    const outcomes = await Promise.all(names.map((name) => this.run(this.checks.get(name))));
    const checks: Record<string, string> = {};
    names.forEach((name, index) => {
      checks[name] = outcomes[index] ?? "ok";
    });
    return { ready: outcomes.every((outcome) => outcome === "ok"), checks };
  }

  private async run(check: ReadinessCheck | undefined): Promise<string> {
    if (check === undefined) return "ok";
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.timeoutMs} ms`), this.timeoutMs);
    });
    try {
      return await Promise.race([
        Promise.resolve()
          .then(check)
          .then(() => "ok"),
        timeout,
      ]);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * `GET /ready`, the readiness probe: 200 when the gateway can serve, 503 (with each check's outcome) when not,
 * so a load balancer or Kubernetes sends traffic elsewhere. Liveness stays `GET /health`, which only says the
 * process answers: a dependency that is down must not get healthy processes restarted.
 */
export function registerReadiness(app: FastifyInstance, readiness: ReadinessChecks): void {
  app.get(
    "/ready",
    {
      // Open like /health: probes carry no gateway key.
      config: { surface: "health" },
      schema: {
        operationId: "ready",
        summary: "Readiness check",
        description:
          "200 when the config is loaded and every dependency (such as a governance store) answers; 503 with each check's outcome when not. Liveness is `/health`.",
        tags: ["Gateway"],
        response: {
          200: jsonResponse("Ready: every check answered `ok`.", "Readiness"),
          ...errorResponses(mlflowErrorFormat, ANY_REQUEST_ERRORS),
          503: {
            description:
              "Not ready: the checks that failed say why. During shutdown, the gateway's 503 error in MLflow's format.",
            content: {
              "application/json": {
                schema: { oneOf: [ref("Readiness"), ref(mlflowErrorFormat.schemaName)] },
              },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const report = await readiness.evaluate();
      return reply
        .status(report.ready ? 200 : 503)
        .send({ status: report.ready ? "ready" : "not ready", checks: report.checks });
    },
  );
}
