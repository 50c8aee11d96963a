import type { RouteType } from "../canonical/index.js";
import type { UpstreamTimeouts } from "./route-timeouts.js";

/** The validated configuration: plain data (it crosses from the primary process to workers over IPC). */
export interface GatewayConfig {
  routes: RouteConfig[];
}

export interface RouteConfig {
  name: string;
  type: RouteType;
  /** Where the route sends requests. Today one; the list form is there for fallbacks and load balancing. */
  targets: TargetConfig[];
  timeouts: UpstreamTimeouts;
}

export interface TargetConfig {
  /** The provider's canonical name (`openai`), whatever spelling the file used. */
  provider: string;
  /** The upstream model name. */
  model: string;
  /** The provider's validated config, with secrets resolved. Never shown in a response, log or error. */
  config: Record<string, unknown>;
}
