import { z } from "zod";
import {
  budgetsSchema,
  mlflowLimitSchema,
  priceSchema,
  routeLimitsSchema,
} from "./governance/limit-blocks.js";
import { circuitBreakerSchema, retriesSchema } from "./resilience-settings.js";
import { timeoutsSchema } from "./route-timeouts.js";

/** Route names become URL path segments, so they are limited to characters that need no escaping. */
export const ROUTE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/**
 * A model name an agent sends (`claude-sonnet-4-5`, `gpt-5-codex`, `anthropic/claude-opus-4-1@2025`): anything
 * printable, since it travels in JSON bodies, not in URL paths.
 */
export const ALIAS_PATTERN = /^[^\s\p{Cc}]*$/u;
export const MAX_ALIAS_LENGTH = 256;

const aliasSchema = z
  .string()
  .min(1)
  .max(MAX_ALIAS_LENGTH)
  .refine((alias) => ALIAS_PATTERN.test(alias), { message: "may not contain spaces or control characters" });

/** The keys under which a route's type may be written: `type` (documented), and MLflow's later names. */
export const ROUTE_TYPE_KEYS = ["type", "route_type", "endpoint_type"] as const;

/** A model: the provider, the upstream model name and the provider's settings. */
const modelShape = z.object({
  provider: z.string().min(1),
  name: z.string().min(1).optional(),
  // The provider's own schema checks the keys; here it only has to be a mapping.
  config: z.looseObject({}).optional(),
});

/** One entry of a route's `targets:`: a model, with its share of traffic and its own timeouts. */
export const targetEntrySchema = modelShape
  .extend({
    weight: z.number().positive().max(1_000_000).optional(),
    timeouts: timeoutsSchema,
    price: priceSchema.optional(),
  })
  .strict();

export type TargetEntry = z.infer<typeof targetEntrySchema>;

/** The shape of one entry of `routes:` before provider-specific checks. Unknown keys are typos: rejected. */
export const routeEntrySchema = z
  .object({
    // A refinement rather than `.regex()`, whose issue is reported as a bare "invalid format" without this text.
    name: z.string().superRefine((name, context) => {
      // `.` and `..` match the pattern but a URL path cannot hold them: clients and proxies collapse them.
      if (name === "." || name === "..") {
        context.addIssue({ code: "custom", message: "cannot be '.' or '..' (it becomes part of the URL)" });
        return;
      }
      if (ROUTE_NAME_PATTERN.test(name)) return;
      const message =
        name === ""
          ? "must not be empty (it becomes part of the URL)"
          : `may only contain letters, digits, '_', '-' and '.' (it becomes part of the URL); got ${JSON.stringify(name)}`;
      context.addIssue({ code: "custom", message });
    }),
    type: z.string().optional(),
    route_type: z.string().optional(),
    endpoint_type: z.string().optional(),
    model: modelShape.strict().optional(),
    /** Other names that select this route wherever a request names a model. */
    aliases: z.array(aliasSchema).optional(),
    targets: z.array(z.unknown()).min(1).optional(),
    strategy: z.enum(["fallback", "weighted"]).optional(),
    timeouts: timeoutsSchema,
    retries: retriesSchema,
    circuit_breaker: circuitBreakerSchema,
    max_in_flight: z.number().int().min(1).max(1_000_000).optional(),
    limits: routeLimitsSchema.optional(),
    limit: mlflowLimitSchema.nullish(),
    budgets: budgetsSchema.optional(),
    price: priceSchema.optional(),
    on_budget_exhausted_mid_stream: z.enum(["finish", "cut"]).optional(),
    inject_stream_usage: z.boolean().optional(),
  })
  .strict();

export type RouteEntry = z.infer<typeof routeEntrySchema>;
