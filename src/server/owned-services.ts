import type { GatewayConfig } from "../config/gateway-config.js";
import { ConsoleService } from "../console/console-service.js";
import type { OwnedService } from "../coordination/coordinator.js";
import { LimitsService } from "../governance/limits/limits-service.js";
import { RouteLimitsService } from "../governance/route-limit-overrides.js";
import { createGovernanceStoreService } from "../governance/store/governance-store-service.js";
import { UsageService } from "../governance/usage/usage-service.js";
import type { Logger } from "../observability/logger.js";
import { createResponseStoreService } from "../response-store/response-store-service.js";

/** What an owned service is built from: the config it starts with and a way to tell every worker of a change. */
export interface OwnedServicesContext {
  config: GatewayConfig;
  /** Sends an event to every worker (for example "key revoked": caches drop it at once). */
  publish: (topic: string, payload: unknown) => void;
  logger?: Logger;
}

/**
 * The services the gateway's owner process holds for all workers (see `coordination/coordinator.ts`): in a
 * cluster the primary builds them once, a single-process gateway builds its own. One line per service.
 */
export function createOwnedServices(context: OwnedServicesContext): OwnedService[] {
  const { config, logger } = context;
  return [
    new ConsoleService(config),
    createResponseStoreService(config),
    // Keys, groups, orgs and the audit log in the embedded store (with Redis, every worker talks to Redis).
    ...(config.governance.store.kind === "local"
      ? [createGovernanceStoreService(config, context.publish)]
      : []),
    // The embedded store's limit counters and budgets (with Redis, every process talks to Redis instead).
    ...(config.governance.store.kind === "local"
      ? [
          new LimitsService({
            config: config.governance,
            // Recalls of grants go to every worker.
            publish: context.publish,
            ...(logger === undefined ? {} : { logger }),
          }),
        ]
      : []),
    // Route limits set at run time through MLflow's limits API.
    new RouteLimitsService(config.governance, context.publish, logger),
    // The usage log's sinks and the per-day aggregates behind the usage API.
    new UsageService({ config: config.governance, ...(logger === undefined ? {} : { logger }) }),
  ];
}
