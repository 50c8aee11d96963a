import type { z } from "zod";
import type { Operation } from "../canonical/index.js";
import type { UpstreamTarget } from "./upstream-target.js";

/** Everything the gateway knows about one provider. Each lives in its own file; registry.ts lists them. */
export interface ProviderDefinition<Config extends Record<string, unknown> = Record<string, unknown>> {
  /** The name used in YAML (`provider: openai`). */
  readonly name: string;
  /** Other accepted YAML names. */
  readonly aliases?: readonly string[];
  /** The name shown to people (`OpenAI`). */
  readonly displayName: string;
  /** The operations this provider can serve; a route of another type is rejected when the config loads. */
  readonly operations: readonly Operation[];
  /**
   * Schema of `model.config`. It is strict: an unknown key is an error that lists the allowed ones. Cross-field
   * rules (Azure needs a deployment name, ...) are refinements with a path, so errors point at the right line.
   */
  readonly configSchema: z.ZodType<Config>;
  /** Config keys that hold secrets: resolved from `$ENV_VAR` or a file when the config loads, never shown. */
  readonly secretFields: readonly string[];
  /** Whether `model.name` may be omitted (and what it then means). */
  readonly defaultModelName?: string;
  createTarget(model: string, config: Config): UpstreamTarget;
}

/** Erases a definition's config type so that definitions of different providers fit in one list. */
export function defineProvider<Config extends Record<string, unknown>>(
  definition: ProviderDefinition<Config>,
): ProviderDefinition {
  return definition as unknown as ProviderDefinition;
}
