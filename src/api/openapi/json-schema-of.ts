import { z } from "zod";
import type { JsonSchema } from "../error-format.js";

/**
 * The JSON Schema of a request body from the zod schema that validates it, so the document cannot drift from
 * what the gateway accepts. Number bounds zod adds for safe integers are dropped (noise for readers); a
 * property can be replaced where zod's schema is looser than the decoder after it (`z.unknown()` fields checked by
 * hand) and described for the reader.
 */
export function jsonSchemaOf(
  schema: z.ZodType,
  options: {
    replace?: Record<string, JsonSchema>;
    describe?: Record<string, string>;
  } = {},
): JsonSchema {
  const { $schema: _ignored, ...generated } = withoutSafeIntegerBounds(
    z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }),
  ) as JsonSchema;
  const properties = { ...(generated.properties as Record<string, JsonSchema>), ...options.replace };
  for (const [name, description] of Object.entries(options.describe ?? {})) {
    const property = properties[name];
    if (property === undefined) throw new Error(`no property '${name}' to describe`);
    properties[name] = { description, ...property };
  }
  return { ...generated, properties };
}

function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (typeof value !== "object" || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if ((key === "maximum" || key === "minimum") && Math.abs(entry as number) === Number.MAX_SAFE_INTEGER)
      continue;
    result[key] = withoutSafeIntegerBounds(entry);
  }
  return result;
}
