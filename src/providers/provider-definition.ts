import type { z } from "zod";
import type { Operation } from "../canonical/index.js";
import type { UpstreamTarget } from "./upstream-target.js";

/** What `createTarget` gives: the target, or a promise of it when the provider loads its target code first. */
export type CreatedTarget = UpstreamTarget | Promise<UpstreamTarget>;

/** Everything the gateway knows about one provider. Each lives in its own file; registry.ts lists them. */
export interface ProviderDefinition<
  Config extends Record<string, unknown> = Record<string, unknown>,
  Created extends CreatedTarget = CreatedTarget,
> {
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
  /**
   * Config keys that hold secrets: resolved from `$ENV_VAR` or a file when the config loads, never shown. A key
   * inside a nested mapping is written as a dotted path (`aws_config.aws_secret_access_key`).
   */
  readonly secretFields: readonly string[];
  /** Whether `model.name` may be omitted (and what it then means). */
  readonly defaultModelName?: string;
  /**
   * For providers whose models each serve one kind of route (an embedding model cannot chat): why `model` cannot
   * serve `operation`, or undefined when it can. Checked when the config loads.
   */
  modelProblem?(model: string, operation: Operation): string | undefined;
  /**
   * Fills settings the provider's own tools take from the environment (AWS_REGION, ...) into a config that
   * leaves them out, before the config is validated, so that a missing one is reported at load.
   */
  fillFromEnvironment?(config: Record<string, unknown>, env: NodeJS.ProcessEnv): void;
  /**
   * Secrets held inside a secret field's value that text may carry on their own (a service-account JSON key's
   * private key), so that they are redacted wherever they appear, not only as part of the whole value.
   */
  innerSecrets?(config: Config): string[];
  /**
   * Builds the target, once per route table. A provider whose target code is heavy (its dialect codecs, SDK
   * pieces) keeps that code in a module of its own and imports it here, returning a promise: every process
   * loads this definition (config validation needs it), but only a worker whose routes use the provider loads
   * its target module, so a worker does not pay at start for providers it does not use.
   */
  createTarget(model: string, config: Config): Created;
}

/**
 * Erases a definition's config type so that definitions of different providers fit in one list; whether it
 * creates targets synchronously stays visible to direct callers (unit tests, benches).
 */
export function defineProvider<
  Config extends Record<string, unknown>,
  Created extends CreatedTarget = UpstreamTarget,
>(definition: ProviderDefinition<Config, Created>): ProviderDefinition<Record<string, unknown>, Created> {
  return definition as unknown as ProviderDefinition<Record<string, unknown>, Created>;
}

/** The value at a secret field's dotted path in a provider config, if the path exists. */
export function secretFieldValue(config: Record<string, unknown>, field: string): unknown {
  let value: unknown = config;
  for (const key of field.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Sets a secret field's value in place; the mappings along the path exist (the value was read there). */
export function setSecretFieldValue(config: Record<string, unknown>, field: string, value: string): void {
  const keys = field.split(".");
  const last = keys.pop() as string;
  let holder = config;
  for (const key of keys) holder = holder[key] as Record<string, unknown>;
  holder[last] = value;
}

/** The resolved secrets of a validated provider config, for redaction. */
export function secretValues(definition: ProviderDefinition, config: Record<string, unknown>): string[] {
  const values = definition.secretFields
    .map((field) => secretFieldValue(config, field))
    .filter((value): value is string => typeof value === "string");
  return [...values, ...(definition.innerSecrets?.(config) ?? [])];
}
