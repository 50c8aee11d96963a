import type { MockUpstream } from "../mock-upstream/index.js";

/**
 * Config text for the resilience suites: routes with several targets, strategies, retries, breakers, limits.
 * The config is written as JSON, which is YAML too, so every value reaches the parser exactly as given.
 */

export const OPENAI_KEY = "sk-test-openai-0123456789";
export const ANTHROPIC_KEY = "sk-ant-test-0123456789";

export interface TimeoutsSpec {
  preset?: "interactive" | "mlflow";
  first_byte_seconds?: number;
  first_token_seconds?: number;
  idle_seconds?: number;
  total_seconds?: number;
}

/** One entry of a route's `targets:`. */
export interface TargetSpec {
  provider: string;
  name: string;
  config: Record<string, unknown>;
  weight?: number;
  timeouts?: TimeoutsSpec;
  /** The target's own price, over the route's. */
  price?: { input_per_mtok: number; output_per_mtok: number };
}

export interface RouteSpec {
  name: string;
  /** Default llm/v1/chat. */
  type?: string;
  strategy?: "fallback" | "weighted";
  targets: TargetSpec[];
  timeouts?: TimeoutsSpec;
  retries?: {
    max_attempts?: number;
    initial_backoff_seconds?: number;
    max_backoff_seconds?: number;
    budget_seconds?: number;
  };
  circuit_breaker?: {
    failure_threshold?: number;
    cooldown_seconds?: number;
    ramp_up_seconds?: number;
    probe_interval_seconds?: number;
    fail_fast?: boolean;
  };
  retry_on?: string[];
  fallback_on?: string[];
  context_window_fallback?: boolean;
  mid_stream_continuation?: boolean;
  max_in_flight?: number;
}

export interface ServerSpec {
  max_body_bytes?: number;
  request_header_timeout_seconds?: number;
  request_timeout_seconds?: number;
}

type TargetOptions = Pick<TargetSpec, "weight" | "timeouts">;

/** An OpenAI target on a mock (or any OpenAI-shaped server at `url`): its requests are relayed as they are. */
export function openAITarget(upstream: MockUpstream | string, model: string, options: TargetOptions = {}) {
  const url = typeof upstream === "string" ? upstream : upstream.url;
  return target("openai", model, { openai_api_key: OPENAI_KEY, openai_api_base: `${url}/v1` }, options);
}

/** An Anthropic target on a mock: its requests are translated through the canonical model. */
export function anthropicTarget(upstream: MockUpstream, model: string, options: TargetOptions = {}) {
  const config = { anthropic_api_key: ANTHROPIC_KEY, anthropic_api_base: `${upstream.url}/v1` };
  return target("anthropic", model, config, options);
}

function target(
  provider: string,
  name: string,
  config: Record<string, unknown>,
  options: TargetOptions,
): TargetSpec {
  return { provider, name, config, ...options };
}

/** A route's `targets` label for a target, as headers, logs and the route information give it. */
export function labelOf(spec: TargetSpec): string {
  return `${spec.provider}/${spec.name}`;
}

/** The config file's text. */
export function configText(routes: RouteSpec[], server?: ServerSpec): string {
  const withTypes = routes.map((route) => ({ type: "llm/v1/chat", ...route }));
  return JSON.stringify({ routes: withTypes, ...(server === undefined ? {} : { server }) }, null, 2);
}
