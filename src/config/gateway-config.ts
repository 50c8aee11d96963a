import type { RouteType } from "../canonical/index.js";
import type { ConsoleSettings } from "./console-settings.js";
import type { GovernanceConfig } from "./governance/governance-config.js";
import type { Budget, Limits, MlflowLimit, PriceOverride } from "./governance/limit-blocks.js";
import type { CircuitBreakerSettings, RetrySettings } from "./resilience-settings.js";
import type { ResponsesSettings } from "./responses-settings.js";
import type { UpstreamTimeouts } from "./route-timeouts.js";
import type { ServerSettings } from "./server-settings.js";

/** The validated configuration: plain data (it crosses from the primary process to workers over IPC). */
export interface GatewayConfig {
  routes: RouteConfig[];
  server: ServerSettings;
  /** Access control, limits, budgets, usage: `docs/` has the reference. */
  governance: GovernanceConfig;
  /** The web console (`console:`); absent in configs built by hand, which get the defaults. */
  console?: ConsoleSettings;
  /** The Responses API's store (`responses:`); DEFAULT_RESPONSES_SETTINGS when absent. */
  responses?: ResponsesSettings;
}

/** `fallback`: targets in order. `weighted`: the first target drawn at random by weight, then the others. */
export type RouteStrategy = "fallback" | "weighted";

export interface RouteConfig {
  name: string;
  /** Other model names that select this route (unique across every route's names and aliases). */
  aliases?: string[];
  type: RouteType;
  strategy: RouteStrategy;
  /** Where the route sends requests, in config order: one (`model:`) or several (`targets:`). */
  targets: TargetConfig[];
  retries: RetrySettings;
  circuitBreaker: CircuitBreakerSettings;
  /** Most requests the route serves at once (503 beyond); null for no limit. */
  maxInFlight: number | null;
  /** Limits, budgets and usage accounting on this route. */
  governance: RouteGovernanceConfig;
}

export interface RouteGovernanceConfig {
  /** The route's own limits (MLflow's `limit:` included, as the rate it means). */
  limits: Limits;
  /** The limits each key gets on this route (`limits.per_key`). */
  perKey: Limits;
  budgets: Budget[];
  /** MLflow's `limit:` as written, shown back by the MLflow endpoint APIs; null without one. */
  mlflowLimit: MlflowLimit | null;
  /** A price merged field by field over the price table's entry, for every target of the route. */
  price: PriceOverride | null;
  /** What a stream does once its reservation is used up and no more can be reserved. */
  onBudgetExhaustedMidStream: "finish" | "cut";
  /** Ask OpenAI-shaped upstreams for a stream's usage (`stream_options.include_usage`) when the client did not. */
  injectStreamUsage: boolean;
}

export interface TargetConfig {
  /** The provider's canonical name (`openai`), whatever spelling the file used. */
  provider: string;
  /** The upstream model name. */
  model: string;
  /** The provider's validated config, with secrets resolved. Never shown in a response, log or error. */
  config: Record<string, unknown>;
  /** Share of traffic under the `weighted` strategy. */
  weight: number;
  timeouts: UpstreamTimeouts;
  /** This target's price override (over the route's and the table's); null for none. */
  price: PriceOverride | null;
}
