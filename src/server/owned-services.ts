import type { GatewayConfig } from "../config/gateway-config.js";
import { ConsoleService } from "../console/console-service.js";
import type { OwnedService } from "../coordination/coordinator.js";
import { createGovernanceStoreService } from "../governance/store/governance-store-service.js";
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
  const services: OwnedService[] = [
    new ConsoleService(context.config),
    createResponseStoreService(context.config),
  ];
  if (context.config.governance.store.kind === "local")
    services.push(createGovernanceStoreService(context.config, context.publish));
  return services;
}
