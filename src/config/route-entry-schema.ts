import { z } from "zod";

/** Route names become URL path segments, so they are limited to characters that need no escaping. */
export const ROUTE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** The keys under which a route's type may be written: `type` (documented), and MLflow's later names. */
export const ROUTE_TYPE_KEYS = ["type", "route_type", "endpoint_type"] as const;

/** The shape of one entry of `routes:` before provider-specific checks. Unknown keys are typos: rejected. */
export const routeEntrySchema = z
  .object({
    name: z
      .string()
      .regex(ROUTE_NAME_PATTERN, "may only contain letters, digits, '_', '-' and '.' (it becomes part of the URL)"),
    type: z.string().optional(),
    route_type: z.string().optional(),
    endpoint_type: z.string().optional(),
    model: z
      .object({
        provider: z.string().min(1),
        name: z.string().min(1).optional(),
        config: z.record(z.string(), z.unknown()).optional(),
      })
      .strict(),
  })
  .strict();

export type RouteEntry = z.infer<typeof routeEntrySchema>;
